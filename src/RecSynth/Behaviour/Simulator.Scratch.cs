namespace RecSynth.Behaviour;

internal sealed partial class Simulator
{
    /// <summary>The records a worker collects.</summary>
    internal sealed class Output
    {
        public List<InteractionRecord> Interactions { get; } = [];

        public List<SessionRecord> Sessions { get; } = [];
    }

    /// <summary>What a session marks on a product.</summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential, Size = 16)]
    internal struct ItemMark
    {
        /// <summary>The session must not show the product (bought, or an anchor) when this equals <see cref="Scratch.Session"/>.</summary>
        public int Excluded;

        /// <summary>The stamp of the list being built that holds the product (see <see cref="Scratch.NextStamp"/>).</summary>
        public int Stamp;

        /// <summary>Where that list holds it.</summary>
        public int Index;

        /// <summary>The week in which the product is listed (−1: before the first, the number of weeks: after the last).</summary>
        public int ListedWeek;
    }

    /// <summary>Per-worker working memory, reused from session to session.</summary>
    internal sealed class Scratch
    {
        private float[] _noise = new float[256];
        private float[] _scores = new float[256];
        private ulong[] _skip = new ulong[2];
        private int[] _cfItems = [];
        private readonly bool[] _shown;
        private int _stamp;

        public Scratch(ReadOnlySpan<int> listedWeeks, int slateSize, int maxCandidates)
        {
            Marks = new ItemMark[listedWeeks.Length];
            for (int i = 0; i < Marks.Length; i++)
            {
                Marks[i].ListedWeek = listedWeeks[i];
            }

            int locals = 3 * slateSize; // both lists, and a slate given from outside, at most
            LocalItems = new int[locals];
            LocalInterest = new float[locals];
            LocalLike = new float[locals];
            LocalPurchase = new float[locals];
            LocalCfSlot = new int[locals];
            _shown = new bool[locals];
            CfLocal = new int[slateSize];
            ImageLocal = new int[slateSize];
            SlateLocal = new int[slateSize];
            SlateAttributes = new ItemAttributes[slateSize];
            Candidates = new int[maxCandidates];
            CandidateScores = new float[maxCandidates + 1];
            CfList = new int[slateSize];
            CfSlots = new int[slateSize];
            ImageList = new int[slateSize];
            Slate = new int[slateSize];
            Sources = new RecType[slateSize];
            Top = new TopK(slateSize);
        }

        public List<long> Times { get; } = [];

        /// <summary>Per product, what a session marks on it, side by side so that one cache line holds them.</summary>
        public ItemMark[] Marks { get; }

        public int[] Candidates { get; }

        public float[] CandidateScores { get; }

        public int[] CfList { get; }

        /// <summary>Where each product of <see cref="CfList"/> is in the candidate list it came from.</summary>
        public int[] CfSlots { get; }

        public int[] ImageList { get; }

        public int[] Slate { get; }

        public RecType[] Sources { get; }

        public TopK Top { get; }

        public int NextStamp() => ++_stamp;

        public int Session { get; private set; }

        /// <summary>The session's candidate products (both lists, deduplicated) by local index; what the slates need follows.</summary>
        public int[] LocalItems { get; }

        public float[] LocalInterest { get; }

        public float[] LocalLike { get; }

        public float[] LocalPurchase { get; }

        /// <summary>Per local product: its slot in the user's CF candidates (whose interest the user state caches), or −1.</summary>
        public int[] LocalCfSlot { get; }

        /// <summary>The user state's interest cache for this session's CF candidates, if the CF list came from them.</summary>
        public float[]? CfInterest { get; set; }

        /// <summary>Where the first CF candidate's interest is in <see cref="CfInterest"/>.</summary>
        public int CfInterestAt { get; set; }

        /// <summary>The blocks this worker keeps warm users' CF candidates in (made at the first warm user).</summary>
        public CfCandidates.Store? CfStore { get; set; }

        /// <summary>What this worker searches a warm user's CF candidates in (made at the first search).</summary>
        public CfSource.Search? CfSearch { get; set; }

        /// <summary>The local index of each product of <see cref="CfList"/>.</summary>
        public int[] CfLocal { get; }

        /// <summary>The local index of each product of <see cref="ImageList"/>.</summary>
        public int[] ImageLocal { get; }

        /// <summary>Per local product, whether the slate being assembled shows it already; cleared.</summary>
        public Span<bool> Shown(int locals)
        {
            var shown = _shown.AsSpan(0, locals);
            shown.Clear();
            return shown;
        }

        public int[] SlateLocal { get; }

        /// <summary>Per slate position: its product's <see cref="World.Attributes"/>, written as the position is examined (<see cref="ViewBase"/>).</summary>
        public ItemAttributes[] SlateAttributes { get; }

        /// <summary>Starts a session: everything the user bought is excluded.</summary>
        public void Exclude(UserState state)
        {
            Session = ++_stamp;
            foreach (int item in state.Bought)
            {
                Marks[item].Excluded = Session;
            }
        }

        /// <summary>Room for a kept CF candidate list's products (<see cref="CfCandidates.Items"/>).</summary>
        public Span<int> CfItems(int count)
        {
            if (_cfItems.Length < count)
            {
                _cfItems = new int[count];
            }

            return _cfItems.AsSpan(0, count);
        }

        /// <summary>A bit per candidate, all clear: the candidates a session must skip.</summary>
        public Span<ulong> Skip(int candidates)
        {
            int words = (candidates + 63) / 64;
            if (_skip.Length < words)
            {
                _skip = new ulong[words];
            }

            var skip = _skip.AsSpan(0, words);
            skip.Clear();
            return skip;
        }

        /// <summary>A buffer of at least <paramref name="count"/> floats, a multiple of 16 long.</summary>
        public Span<float> Noise(int count) => Buffer(ref _noise, count);

        /// <summary>A second such buffer, for the noisy scores.</summary>
        public Span<float> Scores(int count) => Buffer(ref _scores, count);

        private static Span<float> Buffer(ref float[] buffer, int count)
        {
            int length = Math.Max(16, (count + 15) / 16 * 16);
            if (buffer.Length < length)
            {
                buffer = new float[length];
            }

            return buffer.AsSpan(0, length);
        }
    }
}
