using RecSynth.Configuration;
using RecSynth.Internals;
using RecSynth.Simulation;

namespace RecSynth.Behaviour;

/// <summary>
/// Runs the simulation a few weeks at a time over every user (day by day for a policy that learns), in parallel over
/// blocks of users, and hands each week's records to a sink in file order (interactions by time, session, position,
/// type; sessions by start and id). Interactions that fall after the week's end (a session that runs past midnight on
/// Sunday) are held for the next week. Memory holds the users' states and two windows of records, whatever the length
/// of the period.
/// </summary>
internal sealed class BehaviourRun
{
    private const int UsersPerBlock = 256;
    /// <summary>
    /// The most weeks a user runs in a row when users do not depend on each other; fewer when that many weeks of
    /// everyone's records would take too much memory (<see cref="MemoryEstimate.WindowWeeks"/>). The records are the
    /// same whatever the window.
    /// </summary>
    internal const int WeeksPerWindow = 4;
    private const long Day = 86_400;
    private readonly World _world;
    private readonly BehaviourOptions _options;
    private readonly Simulator _simulator;
    private readonly ISessionPolicy _policy;
    private readonly ParallelOptions _parallel;
    private readonly UserState?[] _states;
    private readonly int _firstUser;
    private readonly int _userCount;
    private readonly IProgress<SimulationProgress>? _progress;
    private readonly StepLength? _step;
    private readonly SteppedPolicy? _stepped;
    private readonly DelayedLearning? _delayed;

    /// <summary>
    /// A run of <paramref name="policy"/>; <paramref name="progress"/> hears of the sources being built, then (as
    /// <see cref="Phase"/>) of each week once its records are through the sink, and of the sessions simulated so far as
    /// each block of users finishes, so that a long window of weeks shows its progress too.
    /// </summary>
    public BehaviourRun(
        World world, BehaviourOptions options, ulong seed, ISessionPolicy policy, ParallelOptions parallel, int firstUser = 0, int userCount = -1,
        IProgress<SimulationProgress>? progress = null, SlateSource? slates = null, StepLength? step = null)
    {
        _world = world;
        _options = options;
        // A stepped run: every policy chooses before the step and learns after it (the one-step delay).
        _step = policy is SteppedPolicy ? step ?? StepLength.Day : step;
        _stepped = policy as SteppedPolicy;
        _delayed = _step is not null && _stepped is null && policy.Learns ? new DelayedLearning(policy) : null;
        _policy = _delayed ?? policy;
        _parallel = parallel;
        _firstUser = firstUser;
        _userCount = userCount < 0 ? world.FirstUser + world.UserList.Length - firstUser : userCount;
        _progress = progress;
        _simulator = new Simulator(world, options, seed, parallel, progress);
        switch (slates)
        {
            case SlateSource.Outside outside:
                outside.Server.Begin(SlateCatalogOf(world));
                _simulator.External = outside.Server;
                break;
            case SlateSource.Builtin { IsLearned: true }:
                _simulator.Learned = new LearnedCf(world.UserCount, world.Items.Length, options.Cf.Candidates, seed);
                break;
        }

        _states = new UserState?[_userCount]; // [user − first user]: the run's users only
        Truth = options.GroundTruth ? new GroundTruth(_firstUser, _userCount, options.BlendLevels.Length) : null;
    }

    /// <summary>The catalogue and users as an outside recommender sees them.</summary>
    private static Bandits.SlateCatalog SlateCatalogOf(World world)
    {
        var vocabulary = world.Vocabulary;
        return new Bandits.SlateCatalog(
            [.. world.Items.Select(i => Catalog.CatalogVocabulary.ItemId(i.Index))],
            [.. world.Items.Select(i => (vocabulary.Categories[i.Category], vocabulary.Subcategories[i.Subcategory]))],
            [.. world.Items.Select(i => i.ListedAt)],
            world.Embeddings,
            world.D,
            [.. Enumerable.Range(0, world.UserCount).Select(u => Users.UserPopulation.UserId(u, world.UserCount))]);
    }

    public GroundTruth? Truth { get; }

    /// <summary>The weeks of a window when users run several in a row, instead of what their records' size allows (tests).</summary>
    internal int? WindowWeeks { get; init; }

    /// <summary>What the weeks are called in the progress reports.</summary>
    public string Phase { get; set; } = Phases.Behaviour;

    public Simulator Simulator => _simulator;


    public ISessionPolicy Policy => _policy;

    public UserState? State(int user) => (uint)(user - _firstUser) < (uint)_userCount ? _states[user - _firstUser] : null;

    /// <summary>
    /// Runs every week; <paramref name="sink"/> receives each week's records in file order (their memory is reused from
    /// week to week, so memory does not creep up over a long period), and, in a run that steps day by day, the end of
    /// each day. The sink runs on another thread while the next window of weeks is simulated (one week at a time, in
    /// order), so sorting and writing overlap the simulation.
    /// </summary>
    public void Run(ISimulationSink sink, CancellationToken cancellationToken)
    {
        int blocks = (_userCount + UsersPerBlock - 1) / UsersPerBlock;
        var options = _options;
        using var scratch = new ThreadLocal<Simulator.Scratch>(_simulator.NewScratch);

        // A bandit steps day by day (what it shares across users, and its daily metrics, change between days); so do a
        // learned model and an outside service. Otherwise the users do not depend on each other, and each user is run
        // for several weeks in a row, while what the simulation keeps of them is in cache (the records of those weeks
        // wait in memory: a few weeks' worth, whatever the length of the period).
        bool daily = _policy.Learns || _simulator.Learned is not null || _simulator.External is not null || _step is not null;
        int weeks = _simulator.Schedule.Weeks;
        int window = daily ? 1 : Math.Min(weeks, WindowWeeks ?? MemoryEstimate.WindowWeeks(MemoryEstimate.WeekRecordBytes(_world.Options, _userCount), weeks));
        long stepLength = _step == StepLength.Hour ? 3600 : Day;
        int steps = daily ? (int)(SessionSchedule.Week / stepLength) : 1;
        int stepsPerDay = (int)(Day / stepLength);
        var plan = _step is null ? null : new StepPlan(this, blocks);

        // Two sets of outputs: the sink sorts and writes one window's weeks while the other set collects the next window.
        var outputs = new Simulator.Output[2][][];
        for (int set = 0; set < 2; set++)
        {
            outputs[set] = new Simulator.Output[window][];
            for (int wk = 0; wk < window; wk++)
            {
                outputs[set][wk] = [.. Enumerable.Range(0, blocks).Select(_ => new Simulator.Output())];
            }
        }

        var buffer = new WeekBuffer(); // the week being written, after what spilled over from the week before
        var sortScratch = new SortScratch(); // one week is sorted at a time
        long periodStart = _world.Options.Time.StartSeconds;
        // Progress: the weeks written, and the sessions simulated so far, counted as each block of users finishes (a
        // window of weeks takes many seconds at the large sizes; its weeks are written only at its end).
        long simulated = 0;
        int written = 0;
        var counted = new int[blocks]; // sessions of each block already counted in this window
        var progressGate = new Lock();
        void Report(int weeksWritten, long add)
        {
            if (_progress is null)
            {
                return;
            }

            lock (progressGate)
            {
                simulated += add;
                written = Math.Max(written, weeksWritten);
                _progress.Report(new SimulationProgress(Phase, written, weeks, "weeks") { Sessions = simulated });
            }
        }

        Report(0, 0);
        bool simulating = true;
        void Deliver(int w, ReadOnlyMemory<InteractionRecord> interactions, ReadOnlyMemory<SessionRecord> weekSessions)
        {
            sink.Write(new RecordBlock(w, interactions, weekSessions, Volatile.Read(ref simulating)));
            Report(w + 1, 0);
        }

        Task writing = Task.CompletedTask;
        try
        {
            for (int first = 0, n = 0; first < weeks; first += window, n++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = Math.Min(window, weeks - first);
                var current = outputs[n & 1];
                foreach (var output in current.SelectMany(o => o))
                {
                    output.Interactions.Clear();
                    output.Sessions.Clear();
                }

                Array.Clear(counted);
                var dayStart = new int[blocks];
                plan?.StartWeek(first, current[0]);
                for (int step = 0; step < steps; step++)
                {
                    long from = steps == 1 ? long.MinValue : periodStart + first * SessionSchedule.Week + step * stepLength;
                    long to = steps == 1 ? long.MaxValue : from + stepLength;
                    if (from >= _world.Options.Time.EndSeconds)
                    {
                        break;
                    }

                    var policyStep = new PolicyStep((int)((from - periodStart) / stepLength), from, to);
                    plan?.Choose(policyStep);
                    Parallel.For(0, blocks, _parallel, b =>
                    {
                        int end = Math.Min(_firstUser + _userCount, _firstUser + (b + 1) * UsersPerBlock);
                        for (int user = _firstUser + b * UsersPerBlock; user < end; user++)
                        {
                            var state = _states[user - _firstUser] ??= new UserState(options.Image.Anchors);
                            for (int wk = 0; wk < count; wk++)
                            {
                                _simulator.RunWeek(user, first + wk, state, _policy, scratch.Value!, current[wk][b], Truth, from, to, plan?.Times(user));
                            }
                        }

                        int blockSessions = 0;
                        for (int wk = 0; wk < count; wk++)
                        {
                            blockSessions += current[wk][b].Sessions.Count;
                        }

                        Report(0, blockSessions - counted[b]);
                        counted[b] = blockSessions;
                    });

                    plan?.Learn(policyStep);
                    if (steps > 1 && (step + 1) % stepsPerDay == 0)
                    {
                        EndOfDay(current[0], dayStart, first * 7 + step / stepsPerDay, sink);
                    }
                }

                // The previous window's sink must be done: its buffers hold the interactions that spill over into this one.
                writing.GetAwaiter().GetResult();
                Volatile.Write(ref simulating, first + window < weeks);
                int firstWeek = first;
                // A thread of its own: on the thread pool, the sink's and the simulation's parallel loops would wait for
                // the pool to grow.
                writing = Task.Factory.StartNew(
                    () =>
                    {
                        for (int wk = 0; wk < count; wk++)
                        {
                            int w = firstWeek + wk;
                            buffer.Start();
                            foreach (var output in current[wk])
                            {
                                buffer.Add(output);
                            }

                            // Interactions of sessions that run past the week's end wait for the next week (the last week flushes all).
                            long weekEnd = w == weeks - 1 ? long.MaxValue : periodStart + (w + 1) * SessionSchedule.Week;
                            buffer.SortAndWrite(w, weekEnd, sortScratch, Deliver);
                        }
                    },
                    cancellationToken,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default);
            }
        }
        finally
        {
            writing.GetAwaiter().GetResult();
        }
    }

    /// <summary>After each simulated day of a daily run: the learned model retrains, the service and the bandit learn.</summary>
    private void EndOfDay(Simulator.Output[] outputs, int[] dayStart, int day, ISimulationSink sink)
    {
        _simulator.Learned?.Retrain(_parallel);
        if (_simulator.External is { } service)
        {
            var records = new List<InteractionRecord>();
            for (int b = 0; b < outputs.Length; b++)
            {
                records.AddRange(outputs[b].Interactions.Skip(dayStart[b]));
                dayStart[b] = outputs[b].Interactions.Count;
            }

            records.Sort((x, y) => InteractionRecord.Compare(x, y));
            service.EndOfDay(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(records));
        }

        if (_policy.Learns)
        {
            _policy.EndOfDay();
        }

        sink.DayEnded(day);
    }

    /// <summary>
    /// The steps of a stepped run (one-step delay): each user's session times of the week, drawn once; before each step,
    /// the step's sessions in start order for a step policy to choose; after it, the step's records for the policy to
    /// learn from (a step policy's outcomes, or a built-in policy's delayed rewards).
    /// </summary>
    private sealed class StepPlan(BehaviourRun run, int blocks)
    {
        private readonly List<long>?[] _times = new List<long>?[run._world.UserCount];
        private readonly int[] _cursor = new int[run._world.UserCount]; // [user]: the first of its week's times not yet planned
        private readonly int[] _sessionStart = new int[blocks]; // [block]: its output's sessions before the step
        private readonly int[] _interactionStart = new int[blocks];
        private readonly List<SessionRecord> _sessions = [];
        private readonly List<InteractionRecord> _interactions = [];
        private PlannedSession[] _plan = new PlannedSession[1024];
        private Simulator.Output[] _outputs = [];

        /// <summary>At the start of week <paramref name="week"/>: every user's session times of the week; the week's outputs.</summary>
        public void StartWeek(int week, Simulator.Output[] outputs)
        {
            _outputs = outputs;
            Array.Clear(_sessionStart);
            Array.Clear(_interactionStart);
            Parallel.For(run._firstUser, run._firstUser + run._userCount, run._parallel, user =>
            {
                var times = _times[user] ??= [];
                times.Clear();
                run._simulator.Schedule.Sessions(run._world.User(user), week, times);
                _cursor[user] = 0;
            });
        }

        /// <summary>The user's session times of the week.</summary>
        public List<long> Times(int user) => _times[user]!;

        /// <summary>Before the step: a step policy chooses for the step's sessions.</summary>
        public void Choose(PolicyStep step)
        {
            for (int b = 0; b < _outputs.Length; b++)
            {
                _sessionStart[b] = _outputs[b].Sessions.Count;
                _interactionStart[b] = _outputs[b].Interactions.Count;
            }

            if (run._stepped is not { } stepped)
            {
                return;
            }

            int count = 0;
            for (int user = run._firstUser; user < run._firstUser + run._userCount; user++)
            {
                var times = _times[user]!;
                int before = run.State(user)?.Sessions ?? 0;
                for (int k = _cursor[user]; k < times.Count && times[k] < step.To; k++)
                {
                    if (count == _plan.Length)
                    {
                        Array.Resize(ref _plan, 2 * count);
                    }

                    int sessionsBefore = before + k - _cursor[user];
                    _plan[count++] = new PlannedSession(user * Simulator.SessionsPerUser + sessionsBefore, user, times[k], sessionsBefore);
                }
            }

            _plan.AsSpan(0, count).Sort(static (x, y) => x.Time != y.Time ? x.Time.CompareTo(y.Time) : x.SessionId.CompareTo(y.SessionId));
            stepped.ChooseStep(step, _plan, count);
        }

        /// <summary>After the step: the policy learns from its records.</summary>
        public void Learn(PolicyStep step)
        {
            for (int user = run._firstUser; user < run._firstUser + run._userCount; user++)
            {
                var times = _times[user]!;
                int k = _cursor[user];
                while (k < times.Count && times[k] < step.To)
                {
                    k++;
                }

                _cursor[user] = k;
            }

            if (run._stepped is null && run._delayed is null)
            {
                return;
            }

            _sessions.Clear();
            _interactions.Clear();
            for (int b = 0; b < _outputs.Length; b++)
            {
                var sessions = _outputs[b].Sessions;
                _sessions.AddRange(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(sessions)[_sessionStart[b]..]);
                if (run._stepped is not null)
                {
                    var interactions = _interactions;
                    interactions.AddRange(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_outputs[b].Interactions)[_interactionStart[b]..]);
                }
            }

            var ordered = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_sessions);
            ordered.Sort(static (x, y) => SessionRecord.Compare(x, y));
            if (run._delayed is { } delayed)
            {
                delayed.LearnStep(ordered);
                return;
            }

            // Already by session, position and type: blocks hold users in order, a user's sessions come in turn (their ids
            // rise), and a session's events are recorded position by position, view before like before purchase.
            run._stepped!.Outcomes(step, ordered, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_interactions));
        }
    }

    /// <summary>
    /// One week's records being collected, then sorted and handed to the sink; one buffer serves every week (the sink
    /// is done with a week's records when its Write returns).
    /// </summary>
    private sealed class WeekBuffer
    {
        private InteractionRecord[] _interactions = new InteractionRecord[1024];
        private SessionRecord[] _sessions = new SessionRecord[1024];
        private int _interactionCount;
        private int _sessionCount;
        private int _cut; // interactions before it were written; the rest spill over

        /// <summary>Empties the buffer but for the interactions the week before carried over, which move to its start.</summary>
        public void Start()
        {
            int carried = _interactionCount - _cut;
            Array.Copy(_interactions, _cut, _interactions, 0, carried);
            _interactionCount = carried;
            _sessionCount = _cut = 0;
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

        public void SortAndWrite(int week, long weekEnd, SortScratch scratch, Action<int, ReadOnlyMemory<InteractionRecord>, ReadOnlyMemory<SessionRecord>> sink)
        {
            TimeOrder.Sort(_interactions.AsSpan(0, _interactionCount), ref scratch.Interactions, new InteractionOrder());
            TimeOrder.Sort(_sessions.AsSpan(0, _sessionCount), ref scratch.Sessions, new SessionOrder());
            _cut = _interactionCount;
            while (_cut > 0 && _interactions[_cut - 1].Timestamp >= weekEnd)
            {
                _cut--;
            }

            sink(week, _interactions.AsMemory(0, _cut), _sessions.AsMemory(0, _sessionCount));
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
