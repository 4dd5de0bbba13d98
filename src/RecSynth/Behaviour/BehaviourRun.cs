using RecSynth.Configuration;

namespace RecSynth.Behaviour;

/// <summary>
/// Runs the simulation week by week over every user, in parallel over blocks of users, and hands each week's records
/// to a sink in file order (interactions by time, session, position, type; sessions by start and id). Interactions that
/// fall after the week's end (a session that runs past midnight on Sunday) are held for the next week. Memory holds the
/// users' states and one week of records, whatever the length of the period.
/// </summary>
internal sealed class BehaviourRun
{
    private const int UsersPerBlock = 256;
    private readonly World _world;
    private readonly Simulator _simulator;
    private readonly ISessionPolicy _policy;
    private readonly ParallelOptions _parallel;
    private readonly UserState?[] _states;
    private readonly int _firstUser;
    private readonly int _userCount;

    public BehaviourRun(World world, BehaviourOptions options, ulong seed, ISessionPolicy policy, ParallelOptions parallel, int firstUser = 0, int userCount = -1)
    {
        _world = world;
        _policy = policy;
        _parallel = parallel;
        _firstUser = firstUser;
        _userCount = userCount < 0 ? world.UserList.Length - firstUser : userCount;
        _simulator = new Simulator(world, options, seed, parallel);
        _states = new UserState?[world.UserList.Length];
        Truth = options.GroundTruth ? new GroundTruth(world.UserList.Length, options.BlendLevels.Length) : null;
    }

    public GroundTruth? Truth { get; }

    public Simulator Simulator => _simulator;

    public UserState? State(int user) => _states[user];

    /// <summary>
    /// Runs every week; <paramref name="week"/> receives each week's records in file order (as arrays and the number of
    /// records in them: the arrays are reused from week to week, so memory does not creep up over a long period).
    /// </summary>
    public void Run(Action<int, InteractionRecord[], int, SessionRecord[], int> week, CancellationToken cancellationToken)
    {
        int blocks = (_userCount + UsersPerBlock - 1) / UsersPerBlock;
        var outputs = new Simulator.Output[blocks];
        var options = _world.Options.Behaviour;
        using var scratch = new ThreadLocal<Simulator.Scratch>(() =>
            new Simulator.Scratch(_world.Items.Length, _simulator.SlateSize, Math.Max(16, options.Image.Anchors * options.Image.Neighbours)));
        for (int b = 0; b < blocks; b++)
        {
            outputs[b] = new Simulator.Output();
        }

        var interactions = new InteractionRecord[1024];
        var sessions = new SessionRecord[1024];
        int pending = 0; // interactions carried over from the previous week, at the start of the array
        long periodStart = _world.Options.Time.StartSeconds;
        int weeks = _simulator.Schedule.Weeks;
        for (int w = 0; w < weeks; w++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Parallel.For(0, blocks, _parallel, b =>
            {
                var output = outputs[b];
                output.Interactions.Clear();
                output.Sessions.Clear();
                int end = Math.Min(_firstUser + _userCount, _firstUser + (b + 1) * UsersPerBlock);
                for (int user = _firstUser + b * UsersPerBlock; user < end; user++)
                {
                    var state = _states[user] ??= new UserState(options.Image.Anchors);
                    _simulator.RunWeek(user, w, state, _policy, scratch.Value!, output, Truth);
                }
            });

            int interactionCount = pending, sessionCount = 0;
            foreach (var output in outputs)
            {
                Append(ref interactions, ref interactionCount, output.Interactions);
                Append(ref sessions, ref sessionCount, output.Sessions);
            }

            interactions.AsSpan(0, interactionCount).Sort(new InteractionOrder());
            sessions.AsSpan(0, sessionCount).Sort(new SessionOrder());

            // Interactions of sessions that run past the week's end wait for the next week (the last week flushes all).
            long weekEnd = w == weeks - 1 ? long.MaxValue : periodStart + (w + 1) * SessionSchedule.Week;
            int cut = interactionCount;
            while (cut > 0 && interactions[cut - 1].Timestamp >= weekEnd)
            {
                cut--;
            }

            week(w, interactions, cut, sessions, sessionCount);
            pending = interactionCount - cut;
            Array.Copy(interactions, cut, interactions, 0, pending);
        }
    }

    private static void Append<T>(ref T[] array, ref int count, List<T> items)
    {
        if (count + items.Count > array.Length)
        {
            Array.Resize(ref array, Math.Max(2 * array.Length, count + items.Count));
        }

        items.CopyTo(array, count);
        count += items.Count;
    }

    private readonly struct InteractionOrder : IComparer<InteractionRecord>
    {
        public int Compare(InteractionRecord x, InteractionRecord y) => InteractionRecord.Compare(x, y);
    }

    private readonly struct SessionOrder : IComparer<SessionRecord>
    {
        public int Compare(SessionRecord x, SessionRecord y) => SessionRecord.Compare(x, y);
    }
}
