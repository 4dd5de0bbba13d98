using System.Collections.Immutable;
using RecSynth.Behaviour;
using RecSynth.Configuration;
using RecSynth.Simulation;

namespace RecSynth.Outside.Tests.Support;

/// <summary>One small world (300 products, 40 users, two weeks of 2023, seed 42), built once for every test.</summary>
internal static class SmallWorld
{
    /// <summary>Unix seconds of 2023-01-01T00:00:00Z.</summary>
    public const long Start = 1_672_531_200;

    public const long Day = 86_400;

    public static readonly ImmutableArray<Arm> Arms = [Arm.Cf, new(0.25), new(0.5), new(0.75), Arm.Image];

    public static RecSynthOptions Options { get; } = new()
    {
        Seed = 42,
        Catalog = new CatalogOptions { Count = 300 },
        Users = new UserOptions { Count = 40 },
        Time = new TimeWindowOptions
        {
            Start = DateTimeOffset.FromUnixTimeSeconds(Start),
            End = DateTimeOffset.FromUnixTimeSeconds(Start + 14 * Day),
        },
    };

    private static readonly Lazy<SimulationWorld> s_world = new(() => SimulationWorld.Build(Options, 2));

    public static SimulationWorld World => s_world.Value;

    public static StepRun Run(StepMode mode = StepMode.Arm, string? dataset = null, int slateSize = 10) => new()
    {
        World = World,
        Mode = mode,
        Arms = Arms,
        SlateSize = slateSize,
        Step = StepLength.Day,
        Start = Start,
        End = Start + 14 * Day,
        Seed = 42,
        Dataset = dataset,
    };

    /// <summary>Day <paramref name="index"/> of the run.</summary>
    public static PolicyStep Step(int index) => new(index, Start + index * Day, Start + (index + 1) * Day);

    /// <summary>
    /// <paramref name="count"/> sessions of <paramref name="step"/>, in start order: user i % 40, ids as RecSynth makes them
    /// (user number × 10^7 + the user's session number), an hour apart from 01:00.
    /// </summary>
    public static PlannedSession[] Sessions(PolicyStep step, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new PlannedSession(SessionId(i % 40, step.Index + 1), i % 40, step.From + 3600 * (i + 1), step.Index))];

    /// <summary>The first <paramref name="count"/> products listed by <paramref name="time"/>.</summary>
    public static int[] ListedBy(long time, int count) =>
        [.. Enumerable.Range(0, World.ItemCount).Where(i => World.Item(i).ListedAt <= time).Take(count)];

    /// <summary>A time as the protocol writes it, <c>2023-01-18T10:03:41Z</c>.</summary>
    public static string Time(long unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(unixSeconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static long SessionId(int user, int number) => (user + 1) * 10_000_000L + number;

    /// <summary>The records of the sessions after they ran: session i has i % 3 views, a like on the first when i % 3 == 2.</summary>
    public static (SessionRecord[] Sessions, InteractionRecord[] Interactions) Ran(PlannedSession[] sessions)
    {
        var records = new SessionRecord[sessions.Length];
        var interactions = new List<InteractionRecord>();
        for (int i = 0; i < sessions.Length; i++)
        {
            var s = sessions[i];
            int views = i % 3;
            int likes = views == 2 ? 1 : 0;
            records[i] = new SessionRecord(s.Time, s.SessionId, s.User, Arms[i % Arms.Length], 0.2, 10, (byte)views, (byte)likes, 0);
            for (int v = 0; v < views; v++)
            {
                interactions.Add(new InteractionRecord(s.Time + 10 * (v + 1), s.SessionId, s.User, 7 * i + v, (byte)(v + 1), FeedbackType.View, v == 0 ? RecType.Cf : RecType.Image));
                if (likes > 0 && v == 0)
                {
                    interactions.Add(new InteractionRecord(s.Time + 15, s.SessionId, s.User, 7 * i, 1, FeedbackType.Like, RecType.Cf));
                }
            }
        }

        return (records, [.. interactions]);
    }
}
