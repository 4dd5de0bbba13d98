using RecSynth.Behaviour;

namespace RecSynth.Files.Internals;

/// <summary>Fills the behaviour tables' Parquet rows: the fields of <see cref="BehaviourCsv"/>, typed (docs/design.md §4.13, §5).</summary>
internal sealed class BehaviourParquet
{
    private readonly int _idWidth;
    private readonly string _policy;
    private readonly Dictionary<double, string> _arms = [];
    private readonly double[] _levels;

    public BehaviourParquet(int userCount, string policy, IReadOnlyList<double> levels, IEnumerable<Arm> arms)
    {
        foreach (var arm in arms.Concat(levels.Select(l => new Arm(l))))
        {
            _arms.TryAdd(arm.Blend, arm.Name); // filled here, only read while writing (from several threads)
        }

        _idWidth = UsersCsv.IdWidth(userCount);
        _policy = policy;
        _levels = [.. levels];
    }

    public void WriteInteraction(in InteractionRecord r, ref ParquetRow row)
    {
        row.Text(BehaviourCsv.FeedbackTypes[(int)r.Type]);
        row.Id("U", r.User, _idWidth);
        row.Id("item_", r.Item, 1);
        row.Time(r.Timestamp);
        row.Text(BehaviourCsv.RecTypes[(int)r.Source]);
        row.Int64(r.SessionId);
        row.Int32(r.Position);
    }

    public void WriteSession(in SessionRecord r, ref ParquetRow row)
    {
        row.Int64(r.SessionId);
        row.Id("U", r.User, _idWidth);
        row.Time(r.StartedAt);
        row.Text(_policy);
        row.Text(_arms.TryGetValue(r.Arm.Blend, out string? arm) ? arm : r.Arm.Name);
        row.Real(r.Propensity); // the CSV's shortest round-trip text reads back as this very double
        row.Int32(r.SlateSize);
        row.Int32(r.Views);
        row.Int32(r.Likes);
        row.Int32(r.Purchases);
        row.Int32(r.Reward);
    }

    /// <summary>A user's ground truth (<see cref="BehaviourCsv.WriteTruth"/>): without sessions, every field after the count is null.</summary>
    public void WriteTruth(int user, GroundTruth truth, ref ParquetRow row)
    {
        row.Id("U", user, _idWidth);
        var t = new TruthRow(user, truth, _levels.Length);
        row.Int32(t.Sessions);
        bool known = t.Sessions > 0;
        foreach (var (mean, _) in t.Estimates)
        {
            Fixed(ref row, known, mean);
        }

        foreach (var (_, error) in t.Estimates)
        {
            Fixed(ref row, known, error);
        }

        if (known)
        {
            row.Text(t.CfOptimal ? "cf" : "image");
            row.Real(_levels[t.BestLevel]);
        }
        else
        {
            row.Null();
            row.Null();
        }
    }

    private static void Fixed(ref ParquetRow row, bool known, double value)
    {
        if (known)
        {
            row.Fixed(value, 6);
        }
        else
        {
            row.Null();
        }
    }
}
