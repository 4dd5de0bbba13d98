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
        events.Sort();
        if (_runs.Count == 0)
        {
            foreach (ref readonly var e in events)
            {
                profiler.Add(e.User, e.Item, e.Type, e.Time, e.Session);
            }

            return;
        }

        var readers = _runs.Select(path => new RunReader(path)).ToList();
        try
        {
            var queue = new PriorityQueue<int, Event>();
            int memory = readers.Count; // the source index of the events still in memory
            int next = 0;
            for (int r = 0; r < readers.Count; r++)
            {
                if (readers[r].TryRead(out var head))
                {
                    queue.Enqueue(r, head);
                }
            }

            if (next < _count)
            {
                queue.Enqueue(memory, _buffer[next++]);
            }

            long taken = 0;
            while (queue.TryDequeue(out int source, out var e))
            {
                profiler.Add(e.User, e.Item, e.Type, e.Time, e.Session);
                if ((++taken & 0xFFFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                if (source == memory)
                {
                    if (next < _count)
                    {
                        queue.Enqueue(memory, _buffer[next++]);
                    }
                }
                else if (readers[source].TryRead(out var following))
                {
                    queue.Enqueue(source, following);
                }
            }
        }
        finally
        {
            readers.ForEach(r => r.Dispose());
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
        events.Sort();
        string path = Path.Combine(_folder, $"run-{_runs.Count}.bin");
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
        {
            stream.Write(MemoryMarshal.AsBytes(events));
        }

        _runs.Add(path);
        _count = 0;
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

    /// <summary>A spilled run, read back event by event.</summary>
    private sealed class RunReader(string path) : IDisposable
    {
        private readonly FileStream _stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        private readonly Event[] _block = new Event[1 << 14];
        private int _at;
        private int _length;

        public bool TryRead(out Event e)
        {
            if (_at == _length)
            {
                int bytes = _stream.ReadAtLeast(MemoryMarshal.AsBytes(_block.AsSpan()), MemoryMarshal.AsBytes(_block.AsSpan()).Length, throwOnEndOfStream: false);
                _length = bytes / System.Runtime.CompilerServices.Unsafe.SizeOf<Event>();
                _at = 0;
                if (_length == 0)
                {
                    e = default;
                    return false;
                }
            }

            e = _block[_at++];
            return true;
        }

        public void Dispose() => _stream.Dispose();
    }
}
