namespace RecSynth.Behaviour;

/// <summary>
/// What the simulation remembers about a user between sessions: recent positives, purchases, CF's knowledge, and the
/// products viewed (kept only when <c>behaviour.response.revisit</c> is not 1).
/// </summary>
internal sealed class UserState(int anchors)
{
    private readonly int[] _anchors = new int[anchors]; // ring of recent likes and purchases
    private int _anchorCount;
    private int _anchorNext;
    private int[] _bought = [];
    private int _boughtCount;
    private int[] _viewed = [];
    private int _viewedCount;

    /// <summary>Sessions so far (the next session's number).</summary>
    public int Sessions { get; set; }

    /// <summary>Likes and purchases so far.</summary>
    public int Positives { get; set; }

    /// <summary>CF's candidates for this user, once CF knows them.</summary>
    public CfCandidates? Cf { get; set; }

    public int AnchorCount => _anchorCount;

    /// <summary>The i-th most recent positive (0 = the latest).</summary>
    public int Anchor(int i) => _anchors[(_anchorNext - 1 - i + 2 * _anchors.Length) % _anchors.Length];

    public void AddPositive(int item)
    {
        Positives++;
        if (_anchorCount > 0 && Anchor(0) == item)
        {
            return;
        }

        _anchors[_anchorNext] = item;
        _anchorNext = (_anchorNext + 1) % _anchors.Length;
        _anchorCount = Math.Min(_anchorCount + 1, _anchors.Length);
    }

    public bool HasBought(int item) => Array.BinarySearch(_bought, 0, _boughtCount, item) >= 0;

    public ReadOnlySpan<int> Bought => _bought.AsSpan(0, _boughtCount);

    public void AddPurchase(int item)
    {
        if (Insert(ref _bought, ref _boughtCount, item))
        {
            Cf?.MarkBought(item);
        }
    }

    public bool HasViewed(int item) => Array.BinarySearch(_viewed, 0, _viewedCount, item) >= 0;

    public void AddViewed(int item) => Insert(ref _viewed, ref _viewedCount, item);

    /// <summary>Puts an item into a sorted set held as an array and a count; false when it was there.</summary>
    private static bool Insert(ref int[] items, ref int count, int item)
    {
        int at = Array.BinarySearch(items, 0, count, item);
        if (at >= 0)
        {
            return false;
        }

        at = ~at;
        if (count == items.Length)
        {
            Array.Resize(ref items, Math.Max(4, items.Length * 2));
        }

        Array.Copy(items, at, items, at + 1, count - at);
        items[at] = item;
        count++;
        return true;
    }
}
