using System.Globalization;
using RecSynth.Behaviour;

namespace RecSynth.Files.Internals;

/// <summary>
/// Streams the bandit log, <c>sessions.csv</c> (or <c>sessions.parquet</c> where the folder has only that), row by
/// row, each checked: the columns that stats, the report and off-policy evaluation read.
/// </summary>
internal sealed class SessionsReader : IDisposable
{
    public const string File = BehaviourStage.Sessions;

    private static readonly string[] s_columns = ["SessionId", "UserId", "StartedAt", "Policy", "Arm", "Propensity", "Reward"];
    private readonly DatasetTable _table;

    private SessionsReader(DatasetTable table) => _table = table;

    /// <exception cref="DatasetUsageException">The file is missing or unreadable, or it lacks a column.</exception>
    public static SessionsReader Open(string directory) => new(DatasetTable.Open(directory, File, s_columns));

    /// <summary>The file being read (sessions.csv, or sessions.parquet in a Parquet-only folder).</summary>
    public string Name => _table.Name;

    public long SessionId { get; private set; }

    /// <summary>Valid until the next <see cref="Read"/>.</summary>
    public ReadOnlySpan<char> UserId => _table.Span(1);

    public DateTimeOffset StartedAt { get; private set; }

    /// <summary>Valid until the next <see cref="Read"/>.</summary>
    public ReadOnlySpan<char> Policy => _table.Span(3);

    public Arm Arm { get; private set; }

    public double Propensity { get; private set; }

    /// <summary>1 when the session had a like or a purchase, else 0.</summary>
    public int Reward { get; private set; }

    /// <summary>Moves to the next row and checks it; false at the end of the file.</summary>
    /// <exception cref="DatasetUsageException">The row is malformed (named by file, line and column).</exception>
    public bool Read()
    {
        if (!_table.MoveNext())
        {
            return false;
        }

        SessionId = _table.Integer(0, "SessionId");
        _table.Text(1, "UserId");
        StartedAt = _table.Time(2, "StartedAt");
        _table.Text(3, "Policy");
        Arm = TryParseArm(_table.Span(4), out var arm) ? arm : throw Problem("Arm", _table.Span(4), "is not an arm (cf, image, or a blend level in [0, 1])");
        Propensity = _table.Number(5, "Propensity");
        if (Propensity is not (> 0 and <= 1))
        {
            throw Problem("Propensity", _table.Span(5), "is not a propensity in (0, 1]");
        }

        Reward = _table.Integer(6, "Reward") switch
        {
            0 => 0,
            1 => 1,
            _ => throw Problem("Reward", _table.Span(6), "is not 0 or 1"),
        };
        return true;
    }

    /// <summary>An arm as sessions.csv writes it: cf, image, or a blend level such as 0.25.</summary>
    public static bool TryParseArm(ReadOnlySpan<char> text, out Arm arm)
    {
        arm = text switch
        {
            "cf" => Arm.Cf,
            "image" => Arm.Image,
            _ => new Arm(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double blend) && blend is >= 0 and <= 1 ? blend : double.NaN),
        };
        return !double.IsNaN(arm.Blend);
    }

    /// <summary>An error about the current row, naming the file, the line and the column.</summary>
    public DatasetUsageException Problem(string column, ReadOnlySpan<char> value, string why) => _table.Problem(column, value, why);

    public void Dispose() => _table.Dispose();
}
