namespace RecSynth.Behaviour;

/// <summary>What the simulation remembers about a user between sessions: recent positives, purchases, CF's knowledge.</summary>
internal sealed class UserState(int anchors)
{
    private readonly int[] _anchors = new int[anchors]; // ring of recent likes and purchases
    private int _anchorCount;
    private int _anchorNext;
    private int[] _bought = [];
    private int _boughtCount;

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
        int at = Array.BinarySearch(_bought, 0, _boughtCount, item);
        if (at >= 0)
        {
            return;
        }

        at = ~at;
        if (_boughtCount == _bought.Length)
        {
            Array.Resize(ref _bought, Math.Max(4, _bought.Length * 2));
        }

        Array.Copy(_bought, at, _bought, at + 1, _boughtCount - at);
        _bought[at] = item;
        _boughtCount++;
        Cf?.MarkBought(item);
    }
}
