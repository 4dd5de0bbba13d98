using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using RecSynth.Behaviour;
using RecSynth.Catalog;
using RecSynth.Users;

namespace RecSynth.Files.Internals;

/// <summary>Formats the behaviour tables (docs/design.md §4.13, §5): interactions.csv, sessions.csv and ground_truth.csv.</summary>
internal sealed class BehaviourCsv
{
    public static readonly ImmutableArray<string> InteractionColumns = ["FeedbackType", "UserId", "ItemId", "Timestamp", "RecType", "SessionId", "Position"];

    public static readonly ImmutableArray<string> SessionColumns =
        ["SessionId", "UserId", "StartedAt", "Policy", "Arm", "Propensity", "SlateSize", "Views", "Likes", "Purchases", "Reward"];

    /// <summary>FeedbackType's values, by <see cref="FeedbackType"/>.</summary>
    public static readonly ImmutableArray<string> FeedbackTypes = ["view", "like", "purchase"];

    /// <summary>RecType's values, by <see cref="RecType"/>.</summary>
    public static readonly ImmutableArray<string> RecTypes = ["cf", "image", "other"];

    private static readonly byte[][] s_feedback = [.. FeedbackTypes.Select(Encoding.UTF8.GetBytes)];
    private static readonly byte[][] s_source = [.. RecTypes.Select(Encoding.UTF8.GetBytes)];
    private readonly int _idWidth;
    private readonly byte[] _policy;
    private readonly Dictionary<double, byte[]> _arms = [];
    private readonly double[] _levels;

    public BehaviourCsv(int userCount, string policy, IReadOnlyList<double> levels, IEnumerable<Arm> arms)
    {
        foreach (var arm in arms.Concat(levels.Select(l => new Arm(l))))
        {
            _arms.TryAdd(arm.Blend, Encoding.UTF8.GetBytes(arm.Name)); // filled here, only read while writing (from several threads)
        }

        _idWidth = UsersCsv.IdWidth(userCount);
        _policy = ProductsCsv.Escaped([policy])[0];
        _levels = [.. levels];
        GroundTruthColumns = [
            "UserId", "Sessions", .. _levels.Select(l => "Reward" + LevelName(l)), .. _levels.Select(l => "StdErr" + LevelName(l)), "OptimalArm", "OptimalBlend"];
    }

    public ImmutableArray<string> GroundTruthColumns { get; }

    public const int MaxInteractionBytes = 128;
    /// <summary>The longest session row: the numbers and names, and the policy's name (an outside policy names itself).</summary>
    public int MaxSessionBytes => 256 + _policy.Length;

    public int MaxTruthBytes => 64 + 48 * _levels.Length;

    public static byte[] Header(ImmutableArray<string> columns) => Encoding.UTF8.GetBytes(string.Join(',', columns) + "\n");

    /// <summary>"Cf", "Image", or "Blend25" for 0.25 (a non-integer percentage as "Blend12_5").</summary>
    public static string LevelName(double level) => level switch
    {
        0 => "Cf",
        1 => "Image",
        _ => "Blend" + (level * 100).ToString("0.###", CultureInfo.InvariantCulture).Replace('.', '_'),
    };

    public int WriteInteraction(in InteractionRecord r, Span<byte> destination)
    {
        var row = new Utf8Row(destination);
        row.Raw(s_feedback[(int)r.Type]);
        row.Comma();
        UserId(ref row, r.User);
        row.Comma();
        row.Raw("item_"u8);
        row.Integer(r.Item);
        row.Comma();
        row.Timestamp(r.Timestamp);
        row.Comma();
        row.Raw(s_source[(int)r.Source]);
        row.Comma();
        row.Integer(r.SessionId);
        row.Comma();
        row.Integer(r.Position);
        row.EndLine();
        return row.Length;
    }

    public int WriteSession(in SessionRecord r, Span<byte> destination)
    {
        var row = new Utf8Row(destination);
        row.Integer(r.SessionId);
        row.Comma();
        UserId(ref row, r.User);
        row.Comma();
        row.Timestamp(r.StartedAt);
        row.Comma();
        row.Raw(_policy);
        row.Comma();
        row.Raw(Arm(r.Arm));
        row.Comma();
        row.Shortest(r.Propensity);
        row.Comma();
        row.Integer(r.SlateSize);
        row.Comma();
        row.Integer(r.Views);
        row.Comma();
        row.Integer(r.Likes);
        row.Comma();
        row.Integer(r.Purchases);
        row.Comma();
        row.Integer(r.Reward);
        row.EndLine();
        return row.Length;
    }

    /// <summary>A user's ground truth: expected reward per level, its standard error, the best arm and the best blend.</summary>
    public int WriteTruth(int user, GroundTruth truth, Span<byte> destination)
    {
        var row = new Utf8Row(destination);
        UserId(ref row, user);
        row.Comma();
        var t = new TruthRow(user, truth, _levels.Length);
        row.Integer(t.Sessions);
        foreach (var (mean, _) in t.Estimates)
        {
            row.Comma();
            if (t.Sessions > 0)
            {
                row.Fixed(mean, 6);
            }
        }

        foreach (var (_, error) in t.Estimates)
        {
            row.Comma();
            if (t.Sessions > 0)
            {
                row.Fixed(error, 6);
            }
        }

        row.Comma();
        if (t.Sessions > 0)
        {
            row.Raw(t.CfOptimal ? "cf"u8 : "image"u8);
        }

        row.Comma();
        if (t.Sessions > 0)
        {
            row.Shortest(_levels[t.BestLevel]);
        }

        row.EndLine();
        return row.Length;
    }

    private void UserId(ref Utf8Row row, int user)
    {
        row.Byte((byte)'U');
        row.ZeroPadded(user, _idWidth);
    }

    private byte[] Arm(Arm arm) => _arms.TryGetValue(arm.Blend, out byte[]? bytes) ? bytes : Encoding.UTF8.GetBytes(arm.Name);
}

/// <summary>
/// A user's ground-truth row (<c>ground_truth.csv</c>): sessions, the expected reward and its standard error per blend
/// level, and — meaningful only with sessions — whether CF beats image and the best level (the first of the highest).
/// </summary>
internal readonly struct TruthRow
{
    public TruthRow(int user, GroundTruth truth, int levels)
    {
        Sessions = truth.Sessions(user);
        Estimates = new (double Mean, double Error)[levels];
        for (int l = 0; l < levels; l++)
        {
            Estimates[l] = truth.Estimate(user, l);
        }

        for (int l = 1; l < levels; l++)
        {
            BestLevel = Estimates[l].Mean > Estimates[BestLevel].Mean ? l : BestLevel;
        }
    }

    public int Sessions { get; }

    public (double Mean, double Error)[] Estimates { get; }

    public bool CfOptimal => Estimates[0].Mean >= Estimates[^1].Mean;

    public int BestLevel { get; }
}
