using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RecSynth.Behaviour;
using RecSynth.Fitting;

namespace RecSynth.Files.Internals;

/// <summary>
/// Puts a log's events in order by user and time before they reach a <see cref="LogProfiler"/>, whatever order the log
/// is in (an event log need not be sorted; Gorse pages feedback by key): in memory up to <see cref="RunEvents"/>
/// events, beyond that in sorted runs spilled to a temporary folder and merged, so memory stays bounded by a run.
/// Events equal in user and time are ordered by session, product and type, so the order of the log never shows.
/// </summary>
internal sealed class UserOrder : IDisposable
{
    /// <summary>Events held in memory (32 bytes each) before a sorted run is spilled.</summary>
    public const int RunEvents = 4 << 20;

    private readonly int _runEvents;
    private readonly List<string> _runs = [];
    private Event[] _buffer;
    private Event[] _scratch = [];
    private int[] _starts = [];
    private int _count;
    private string? _folder;

    public UserOrder(int runEvents = RunEvents)
    {
        _runEvents = runEvents;
        _buffer = new Event[Math.Min(runEvents, 1 << 16)];
    }

    public void Add(int user, int item, FeedbackType type, long time, long session)
    {
        if (_count == _buffer.Length)
        {
            if (_count < _runEvents)
            {
                Array.Resize(ref _buffer, Math.Min(_runEvents, _buffer.Length * 2));
            }
            else
            {
                Spill();
            }
        }

        _buffer[_count++] = new Event(user, time, session, item, type);
    }

    /// <summary>Hands every event to <paramref name="profiler"/>, by user and time.</summary>
    public void Drain(LogProfiler profiler, CancellationToken cancellationToken)
    {
        var events = _buffer.AsSpan(0, _count);
        SortByUser(events);
        if (_runs.Count == 0)
        {
            foreach (ref readonly var e in events)
            {
                profiler.Add(e.User, e.Item, e.Type, e.Time, e.Session);
            }

            return;
        }

        // Every run is sorted by user: take one user at a time from each, and sort that user's events when they came
        // from more than one run.
        var sources = _runs.Select(path => (IEventSource)new RunReader(path)).Append(new MemorySource(_buffer, _count)).ToList();
        try
        {
            var block = new List<Event>();
            long users = 0;
            while (true)
            {
                int user = int.MaxValue;
                foreach (var source in sources)
                {
                    if (source.HasEvent && source.Head.User < user)
                    {
                        user = source.Head.User;
                    }
                }

                if (user == int.MaxValue)
                {
                    break;
                }

                block.Clear();
                int contributing = 0;
                foreach (var source in sources)
                {
                    int before = block.Count;
                    while (source.HasEvent && source.Head.User == user)
                    {
                        block.Add(source.Head);
                        source.Advance();
                    }

                    contributing += block.Count > before ? 1 : 0;
                }

                var span = CollectionsMarshal.AsSpan(block);
                if (contributing > 1)
                {
                    span.Sort();
                }

                foreach (ref readonly var e in span)
                {
                    profiler.Add(e.User, e.Item, e.Type, e.Time, e.Session);
                }

                if ((++users & 0xFFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
        }
        finally
        {
            sources.ForEach(r => (r as IDisposable)?.Dispose());
        }
    }

    public void Dispose()
    {
        if (_folder is not null && Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private void Spill()
    {
        _folder ??= Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "recsynth-fit-" + Path.GetRandomFileName())).FullName;
        var events = _buffer.AsSpan(0, _count);
        SortByUser(events);
        string path = Path.Combine(_folder, $"run-{_runs.Count}.bin");
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
        {
            stream.Write(MemoryMarshal.AsBytes(events));
        }

        _runs.Add(path);
        _count = 0;
    }

    /// <summary>
    /// Sorts by user with a counting sort (users are dense indices), keeping the log's order within a user, then sorts
    /// each user's events by time only where they are not in order already (a log written in time order never is).
    /// </summary>
    private void SortByUser(Span<Event> events)
    {
        int top = -1;
        foreach (ref readonly var e in events)
        {
            top = Math.Max(top, e.User);
        }

        if (_starts.Length < top + 2)
        {
            _starts = new int[Math.Max(top + 2, _starts.Length * 2)];
        }

        var starts = _starts.AsSpan(0, top + 2);
        starts.Clear();
        foreach (ref readonly var e in events)
        {
            starts[e.User + 1]++;
        }

        for (int u = 1; u < starts.Length; u++)
        {
            starts[u] += starts[u - 1];
        }

        if (_scratch.Length < events.Length)
        {
            _scratch = new Event[_buffer.Length];
        }

        foreach (ref readonly var e in events)
        {
            _scratch[starts[e.User]++] = e;
        }

        _scratch.AsSpan(0, events.Length).CopyTo(events);
        for (int start = 0, i = 1; i <= events.Length; i++)
        {
            if (i == events.Length || events[i].User != events[start].User)
            {
                var user = events[start..i];
                for (int j = 1; j < user.Length; j++)
                {
                    if (user[j - 1].CompareTo(user[j]) > 0)
                    {
                        user.Sort();
                        break;
                    }
                }

                start = i;
            }
        }
    }

    /// <summary>One event, ordered by user, time, session, product and type.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Event(int User, long Time, long Session, int Item, FeedbackType Type) : IComparable<Event>
    {
        public int CompareTo(Event other)
        {
            int c = User.CompareTo(other.User);
            if (c != 0)
            {
                return c;
            }

            c = Time.CompareTo(other.Time);
            if (c != 0)
            {
                return c;
            }

            c = Session.CompareTo(other.Session);
            if (c != 0)
            {
                return c;
            }

            c = Item.CompareTo(other.Item);
            return c != 0 ? c : Type.CompareTo(other.Type);
        }
    }

    /// <summary>Events sorted by user, one at a time.</summary>
    private interface IEventSource
    {
        bool HasEvent { get; }

        Event Head { get; }

        void Advance();
    }

    /// <summary>The events still in memory.</summary>
    private sealed class MemorySource(Event[] events, int count) : IEventSource
    {
        private int _at;

        public bool HasEvent => _at < count;

        public Event Head => events[_at];

        public void Advance() => _at++;
    }

    /// <summary>A spilled run, read back block by block.</summary>
    private sealed class RunReader : IEventSource, IDisposable
    {
        private readonly FileStream _stream;
        private readonly Event[] _block = new Event[1 << 14];
        private int _at;
        private int _length;

        public RunReader(string path)
        {
            _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            Fill();
        }

        public bool HasEvent => _at < _length;

        public Event Head => _block[_at];

        public void Advance()
        {
            if (++_at == _length)
            {
                Fill();
            }
        }

        public void Dispose() => _stream.Dispose();

        private void Fill()
        {
            var bytes = MemoryMarshal.AsBytes(_block.AsSpan());
            _length = _stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) / Unsafe.SizeOf<Event>();
            _at = 0;
        }
    }
}
