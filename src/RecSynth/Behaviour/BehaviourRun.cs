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
    private const long Day = 86_400;
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

    /// <summary>For a bandit: called after each simulated day (0-based) has run and the policy has learned from it, alone.</summary>
    public Action<int>? DayEnded { get; set; }

    public Simulator Simulator => _simulator;

    public ISessionPolicy Policy => _policy;

    public UserState? State(int user) => _states[user];

    /// <summary>
    /// Runs every week; <paramref name="week"/> receives each week's records in file order (as arrays and the number of
    /// records in them: the arrays are reused from week to week, so memory does not creep up over a long period). The
    /// sink runs on another thread while the next week is simulated (one week at a time, in order), so sorting and
    /// writing overlap the simulation.
    /// </summary>
    public void Run(Action<int, InteractionRecord[], int, SessionRecord[], int> week, CancellationToken cancellationToken)
    {
        int blocks = (_userCount + UsersPerBlock - 1) / UsersPerBlock;
        var outputs = new Simulator.Output[blocks];
        var options = _world.Options.Behaviour;
        using var scratch = new ThreadLocal<Simulator.Scratch>(_simulator.NewScratch);
        for (int b = 0; b < blocks; b++)
        {
            outputs[b] = new Simulator.Output();
        }

        // Two sets of buffers: one is sorted and written while the other collects the next week.
        var buffers = new[] { new WeekBuffer(), new WeekBuffer() };
        var sortScratch = new SortScratch(); // one week is sorted at a time
        long periodStart = _world.Options.Time.StartSeconds;
        int weeks = _simulator.Schedule.Weeks;
        Task sink = Task.CompletedTask;
        try
        {
            for (int w = 0; w < weeks; w++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int simulated = w;
                foreach (var output in outputs)
                {
                    output.Interactions.Clear();
                    output.Sessions.Clear();
                }

                // A bandit steps day by day (what it shares across users, and its daily metrics, change between days).
                int steps = _policy is Bandits.BanditPolicy || _simulator.Learned is not null || _simulator.External is not null ? 7 : 1;
                var dayStart = outputs.Select(o => o.Interactions.Count).ToArray();
                for (int step = 0; step < steps; step++)
                {
                    long from = steps == 1 ? long.MinValue : periodStart + w * SessionSchedule.Week + step * Day;
                    long to = steps == 1 ? long.MaxValue : from + Day;
                    Parallel.For(0, blocks, _parallel, b =>
                    {
                        var output = outputs[b];
                        int end = Math.Min(_firstUser + _userCount, _firstUser + (b + 1) * UsersPerBlock);
                        for (int user = _firstUser + b * UsersPerBlock; user < end; user++)
                        {
                            var state = _states[user] ??= new UserState(options.Image.Anchors);
                            _simulator.RunWeek(user, simulated, state, _policy, scratch.Value!, output, Truth, from, to);
                        }
                    });

                    if (steps == 7 && from < _world.Options.Time.EndSeconds)
                    {
                        _simulator.Learned?.Retrain(_parallel);
                        if (_simulator.External is { } service)
                        {
                            var day = new List<InteractionRecord>();
                            for (int b = 0; b < blocks; b++)
                            {
                                day.AddRange(outputs[b].Interactions.Skip(dayStart[b]));
                                dayStart[b] = outputs[b].Interactions.Count;
                            }

                            day.Sort((x, y) => InteractionRecord.Compare(x, y));
                            service.EndOfDay(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(day));
                        }

                        if (_policy is Bandits.BanditPolicy bandit)
                        {
                            bandit.EndOfDay();
                            DayEnded?.Invoke(w * 7 + step);
                        }
                    }
                }

                // The previous week's sink must be done: it holds the interactions that spill over into this week.
                sink.GetAwaiter().GetResult();
                var previous = buffers[(w + 1) & 1];
                var current = buffers[w & 1];
                current.Start(previous);
                foreach (var output in outputs)
                {
                    current.Add(output);
                }

                // Interactions of sessions that run past the week's end wait for the next week (the last week flushes all).
                long weekEnd = w == weeks - 1 ? long.MaxValue : periodStart + (w + 1) * SessionSchedule.Week;
                // A thread of its own: on the thread pool, the sink's and the simulation's parallel loops would wait for
                // the pool to grow.
                sink = Task.Factory.StartNew(
                    () => current.SortAndWrite(simulated, weekEnd, sortScratch, week), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }
        }
        finally
        {
            sink.GetAwaiter().GetResult();
        }
    }

    /// <summary>One week's records being collected, then sorted and handed to the sink.</summary>
    private sealed class WeekBuffer
    {
        private InteractionRecord[] _interactions = new InteractionRecord[1024];
        private SessionRecord[] _sessions = new SessionRecord[1024];
        private int _interactionCount;
        private int _sessionCount;
        private int _cut; // interactions before it were written; the rest spill over

        /// <summary>Empties the buffer, keeping the interactions <paramref name="previous"/> carried over.</summary>
        public void Start(WeekBuffer previous)
        {
            _interactionCount = _sessionCount = 0;
            int carried = previous._interactionCount - previous._cut;
            Reserve(ref _interactions, carried);
            Array.Copy(previous._interactions, previous._cut, _interactions, 0, carried);
            _interactionCount = carried;
            previous._interactionCount = previous._cut = 0;
        }

        public void Add(Simulator.Output output)
        {
            Reserve(ref _interactions, _interactionCount + output.Interactions.Count);
            output.Interactions.CopyTo(_interactions, _interactionCount);
            _interactionCount += output.Interactions.Count;
            Reserve(ref _sessions, _sessionCount + output.Sessions.Count);
            output.Sessions.CopyTo(_sessions, _sessionCount);
            _sessionCount += output.Sessions.Count;
        }

        public void SortAndWrite(int week, long weekEnd, SortScratch scratch, Action<int, InteractionRecord[], int, SessionRecord[], int> sink)
        {
            TimeOrder.Sort(_interactions.AsSpan(0, _interactionCount), ref scratch.Interactions, new InteractionOrder());
            TimeOrder.Sort(_sessions.AsSpan(0, _sessionCount), ref scratch.Sessions, new SessionOrder());
            _cut = _interactionCount;
            while (_cut > 0 && _interactions[_cut - 1].Timestamp >= weekEnd)
            {
                _cut--;
            }

            sink(week, _interactions, _cut, _sessions, _sessionCount);
        }

        private static void Reserve<T>(ref T[] array, int count)
        {
            if (count > array.Length)
            {
                Array.Resize(ref array, Math.Max(2 * array.Length, count));
            }
        }
    }

    /// <summary>The radix sort's second array of each kind of record, shared by the two week buffers.</summary>
    private sealed class SortScratch
    {
        public InteractionRecord[] Interactions = [];
        public SessionRecord[] Sessions = [];
    }

    private readonly struct InteractionOrder : ITimeOrder<InteractionRecord>
    {
        public int Compare(InteractionRecord x, InteractionRecord y) => InteractionRecord.Compare(x, y);

        public long Time(in InteractionRecord record) => record.Timestamp;
    }

    private readonly struct SessionOrder : ITimeOrder<SessionRecord>
    {
        public int Compare(SessionRecord x, SessionRecord y) => SessionRecord.Compare(x, y);

        public long Time(in SessionRecord record) => record.StartedAt;
    }
}
