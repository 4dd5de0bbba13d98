using System.Collections.Immutable;
using System.Globalization;
using RecSynth.Behaviour;
using RecSynth.Configuration;
using RecSynth.Simulation;

namespace RecSynth.Fitting;

/// <summary>One knob set by a fit, with what it was fitted to.</summary>
/// <param name="Path">The knob's config path, e.g. <c>users.activity.median</c>.</param>
/// <param name="Measured">What was measured on the log to set it, for the config's comment.</param>
public sealed record FittedKnob(string Path, string Measured);

/// <summary>What <see cref="WorldFit.Fit"/> gives.</summary>
/// <param name="Options">The fitted options.</param>
/// <param name="Knobs">The knobs it set, each with the measurement behind it.</param>
/// <param name="NotFitted">What a log cannot reveal, left at its default.</param>
/// <param name="Calibration">The profile of the last calibration run (at <see cref="CalibrationScale"/> of the log's size).</param>
/// <param name="CalibrationScale">The calibration runs' share of the fitted users and products (1: full size).</param>
/// <param name="Rounds">Calibration rounds run.</param>
public sealed record FitResult(
    RecSynthOptions Options, ImmutableArray<FittedKnob> Knobs, ImmutableArray<string> NotFitted, LogProfile Calibration, double CalibrationScale, int Rounds);

/// <summary>How <see cref="WorldFit.Fit"/> calibrates.</summary>
public sealed record WorldFitOptions
{
    /// <summary>Most users a calibration run simulates; a larger log is calibrated on a share of its users and products.</summary>
    public int CalibrationUsers { get; init; } = 20_000;

    /// <summary>Most calibration rounds (each one a simulation of the whole period).</summary>
    public int Rounds { get; init; } = 10;

    /// <summary>Threads of the calibration runs.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
}

/// <summary>
/// Fits a world to a log's <see cref="LogProfile"/> (docs/fitting.md). What the log states directly is set directly:
/// the period, the hour-of-day and day-of-week profiles. The rest is calibrated by simulation: the world is run (at
/// most <see cref="WorldFitOptions.CalibrationUsers"/> users, products scaled alike), measured the way the log was, and
/// each knob moved toward its statistic, round after round, keeping the best round: the users and products (a log
/// shows only those with an event), the activity's median and spread (sessions per user), the view, like and purchase
/// scales (session length and funnel), the popularity spread (Gini), the shares of users and products that arrive
/// during the period (first seen in the period's second half), and how readily a user views a product again (the
/// repeat share; not for a keyed log).
/// </summary>
public static class WorldFit
{
    /// <summary>
    /// Calibration stops once every statistic is this close to its target (relative; absolute for a share near 0): a
    /// fifth of the fidelity tolerance, below which further rounds chase the simulation's own noise.
    /// </summary>
    public const double StopError = 0.02;

    /// <summary>What a log cannot reveal; it keeps its value in the starting options.</summary>
    public static ImmutableArray<string> NotFitted { get; } =
    [
        "users.cf_preference (the hidden CF/image preference)",
        "users.age_groups, users.style_preferences, users.price_sensitivity, users.sustainability_focus (user attributes)",
        "catalog vocabularies and catalog.price (product attributes)",
        "embedding (the image embeddings' structure)",
        "factors (the hidden tastes)",
        "behaviour.cf, behaviour.image (the recommenders that made the log)",
    ];

    /// <summary>
    /// Fits <paramref name="start"/> (its seed and everything not fitted kept) to <paramref name="target"/>.
    /// <paramref name="progress"/> hears of each round (rounds done).
    /// </summary>
    /// <exception cref="ArgumentException">The log has no events.</exception>
    public static FitResult Fit(LogProfile target, RecSynthOptions start, WorldFitOptions? fit = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(start);
        fit ??= new WorldFitOptions();
        if (target.Events == 0 || target.Views + target.Likes + target.Purchases == 0)
        {
            throw new ArgumentException("the log has no events", nameof(target));
        }

        var options = Direct(target, start);
        double weeks = (options.Time.EndSeconds - options.Time.StartSeconds) / (7 * 86_400.0);
        var knobs = new[]
        {
            // activity: sessions per user over the period, then their spread
            new Knob("users.activity.median", 0.001, 1000, true, 1, p => p.SessionsPerUserMean, target.SessionsPerUserMean)
            {
                X = Math.Clamp(target.SessionsPerUserMean / Math.Max(weeks, 1.0 / 7), 0.001, 1000),
            },
            new Knob("users.activity.sigma", 0, 4, false, 1.0, LogSpread, LogSpread(target)) { X = options.Users.Activity.Sigma },
            new Knob("behaviour.response.view_scale", 0.01, 100, true, 0.8, p => p.EventsPerSessionMean, target.EventsPerSessionMean) { X = options.Behaviour.Response.ViewScale },
            new Knob("behaviour.response.like_scale", 0.001, 100, true, 1, p => p.LikesPerView, target.LikesPerView) { X = options.Behaviour.Response.LikeScale },
            new Knob("behaviour.response.purchase_scale", 0.001, 100, true, 1, p => p.PurchasesPerView, target.PurchasesPerView) { X = options.Behaviour.Response.PurchaseScale },
            new Knob("catalog.popularity.sigma", 0, 4, false, 0.3, Concentration, Concentration(target)) { X = options.Catalog.Popularity.Sigma },
            new Knob("users.joined_during_share", 0, 1, false, 0.5, p => LateShare(p.UserArrivals), LateShare(target.UserArrivals)) { X = options.Users.JoinedDuringShare },
            new Knob("catalog.listed_during_share", 0, 1, false, 0.5, p => LateShare(p.ItemArrivals), LateShare(target.ItemArrivals)) { X = options.Catalog.ListedDuringShare },
            new Knob("behaviour.response.revisit", 0.0001, 100, true, 0.7, p => p.RepeatShare, target.RepeatShare)
            {
                // A keyed log (a Gorse's) has lost its repeated views: what is left of its repeat share says little.
                X = options.Behaviour.Response.Revisit, Skip = target.Keyed,
            },
        };

        knobs[3].Skip = target.Views == 0 || target.Likes == 0;
        knobs[4].Skip = target.Views == 0 || target.Purchases == 0;
        if (target.Likes == 0)
        {
            knobs[3].X = 0;
        }

        if (target.Purchases == 0)
        {
            knobs[4].X = 0;
        }

        // A log shows only the users and products with an event: the world needs more, by the share seen.
        double userSeen = 1, itemSeen = 1;
        double scale = Math.Min(1, fit.CalibrationUsers / (double)target.Users);
        double bestError = double.PositiveInfinity;
        RecSynthOptions best = options;
        LogProfile? bestProfile = null;
        int rounds = 0;
        for (int round = 0; round < fit.Rounds; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var candidate = Apply(options, knobs, target, userSeen, itemSeen);
            var calibration = Scaled(candidate, scale);
            var profile = Measure(calibration, fit.Threads, target.SessionGapSeconds, target.Keyed, cancellationToken);
            rounds++;
            progress?.Report(rounds);
            // The shares of users and products with an event say how many the world needs, but only once the run makes
            // about as many events per user as the log: a run that falls short leaves products unseen for want of
            // events, not for want of interest, and would inflate the catalogue round after round.
            double perUser = profile.Events / (double)calibration.Users.Count, wanted = target.Events / (target.Users / userSeen);
            if (Math.Abs(perUser - wanted) <= 0.2 * wanted)
            {
                userSeen = Math.Clamp(profile.Users / (double)calibration.Users.Count, 1e-6, 1);
                itemSeen = Math.Clamp(profile.Items / (double)calibration.Catalog.Count, 1e-6, 1);
            }
            double error = knobs.Where(k => !k.Skip).Sum(k => k.Error(profile));
            if (error < bestError)
            {
                (bestError, best, bestProfile) = (error, Apply(options, knobs, target, userSeen, itemSeen), profile);
            }

            if (knobs.All(k => k.Skip || k.Error(profile) < StopError))
            {
                break;
            }

            foreach (var knob in knobs.Where(k => !k.Skip))
            {
                knob.Step(knob.Measure(profile));
            }
        }

        var fitted = ImmutableArray.CreateBuilder<FittedKnob>();
        fitted.Add(new("time.start", Invariant($"first event {DateTimeOffset.FromUnixTimeSeconds(target.FirstEvent):yyyy-MM-dd HH:mm:ss}Z, taken to its day")));
        fitted.Add(new("time.end", Invariant($"last session starts {DateTimeOffset.FromUnixTimeSeconds(target.LastSessionStart):yyyy-MM-dd HH:mm:ss}Z, taken to the end of its day")));
        fitted.Add(new("users.count", Invariant($"{target.Users:N0} users with an event; {userSeen:P1} of the simulated users have one")));
        fitted.Add(new("catalog.count", Invariant($"{target.Items:N0} products with an event; {itemSeen:P1} of the simulated products have one")));
        fitted.Add(new("users.activity.median", Invariant($"{target.SessionsPerUserMean:G4} sessions per user with an event (calibrated by simulation)")));
        fitted.Add(new("users.activity.sigma", Invariant($"sessions per user: ln(p75) - ln(p25) = {LogSpread(target):G4} (calibrated by simulation)")));
        fitted.Add(new("users.activity.max", "raised with the median, so that the most active users are not cut off"));
        fitted.Add(new("behaviour.response.view_scale", Invariant($"{target.EventsPerSessionMean:G4} events per session (calibrated by simulation)")));
        fitted.Add(new("behaviour.response.like_scale", Invariant($"{target.LikesPerView:G4} likes per view (calibrated by simulation)")));
        fitted.Add(new("behaviour.response.purchase_scale", Invariant($"{target.PurchasesPerView:G4} purchases per view (calibrated by simulation)")));
        fitted.Add(new("catalog.popularity.sigma", Invariant($"Gini {target.Gini:G4}; top 1 % / 10 % / 20 % of products {target.Top1Share:P1} / {target.Top10Share:P1} / {target.Top20Share:P1} of events (calibrated by simulation)")));
        fitted.Add(new("users.joined_during_share", Invariant($"{LateShare(target.UserArrivals):P1} of users first seen in the period's second half (calibrated by simulation)")));
        fitted.Add(new("catalog.listed_during_share", Invariant($"{LateShare(target.ItemArrivals):P1} of products first seen in the period's second half (calibrated by simulation)")));
        if (!target.Keyed)
        {
            fitted.Add(new("behaviour.response.revisit", Invariant($"{target.RepeatShare:P1} of events on a product the user had in an earlier session (calibrated by simulation)")));
        }

        fitted.Add(new("behaviour.sessions.hourly", "session starts by hour of day (UTC), relative to their mean"));
        fitted.Add(new("behaviour.sessions.weekly", "session starts by day of week, relative to their mean"));
        return new FitResult(best, fitted.ToImmutable(), NotFitted, bestProfile!, scale, rounds);
    }

    /// <summary>
    /// The profile of a simulation of <paramref name="options"/>, measured as a log (no files): sessions split after
    /// <paramref name="sessionGapSeconds"/> of a user's inactivity, or by their ids when it is 0; with
    /// <paramref name="keyed"/>, as a Gorse would hold it (<see cref="LogProfile.Keyed"/>: a key's events at its first
    /// time; this keeps every key in memory).
    /// </summary>
    public static LogProfile Measure(
        RecSynthOptions options, int threads, long sessionGapSeconds = LogProfiler.DefaultSessionGapSeconds, bool keyed = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var quick = options with { Behaviour = options.Behaviour with { GroundTruth = false } };
        var world = SimulationWorld.Build(quick, threads, null, cancellationToken);
        var sink = new ProfileSink(sessionGapSeconds, keyed);
        var policy = SessionPolicies.Logging(PolicySpec.Parse(quick.Behaviour.Policy, PolicyUse.Logging, "behaviour.policy"), quick.Behaviour.BlendLevels);
        SimulationEngine.Run(world, new SimulationSetup { Policy = policy, Threads = threads }, sink, null, cancellationToken);
        return sink.Finish();
    }

    /// <summary>
    /// The spread of sessions per user: ln(p75) − ln(p25) over users with a session, the quantiles interpolated within
    /// a count's bucket [k, k + 1). The quartiles, not the standard deviation: the few sessions of users who sign up
    /// late would weigh on that, and they belong to <c>users.joined_during_share</c>.
    /// </summary>
    internal static double LogSpread(LogProfile profile) =>
        Math.Log(Quantile(profile.SessionsPerUser, 0.75)) - Math.Log(Quantile(profile.SessionsPerUser, 0.25));

    /// <summary>How concentrated the events are on the most popular products: the geometric mean of the top 1 % share, the top 10 % share and the Gini coefficient.</summary>
    internal static double Concentration(LogProfile profile) =>
        Math.Exp((Math.Log(Math.Max(profile.Top1Share, 1e-9)) + Math.Log(Math.Max(profile.Top10Share, 1e-9)) + Math.Log(Math.Max(profile.Gini, 1e-9))) / 3);

    /// <summary>The q-quantile of a histogram of counts (bucket 0 left out), interpolated within its bucket [k, k + 1).</summary>
    private static double Quantile(IReadOnlyList<long> histogram, double q)
    {
        double total = 0;
        for (int k = 1; k < histogram.Count; k++)
        {
            total += histogram[k];
        }

        double wanted = q * total, running = 0;
        for (int k = 1; k < histogram.Count; k++)
        {
            if (histogram[k] > 0 && running + histogram[k] >= wanted)
            {
                return k + ((wanted - running) / histogram[k]);
            }

            running += histogram[k];
        }

        return histogram.Count;
    }

    /// <summary>Share of the arrivals in the second half of the days.</summary>
    internal static double LateShare(IReadOnlyList<long> arrivals)
    {
        double total = arrivals.Sum(), late = 0;
        for (int d = arrivals.Count / 2; d < arrivals.Count; d++)
        {
            late += arrivals[d];
        }

        return total == 0 ? 0 : late / total;
    }

    private static RecSynthOptions Direct(LogProfile target, RecSynthOptions start)
    {
        long firstDay = (long)Math.Floor(target.FirstEvent / 86_400.0) * 86_400;
        long lastDay = ((long)Math.Floor(target.LastSessionStart / 86_400.0) + 1) * 86_400;
        var behaviour = start.Behaviour;
        var sessions = behaviour.Sessions with
        {
            Hourly = Relative(target.HourOfDay, behaviour.Sessions.Hourly),
            Weekly = Relative(target.DayOfWeek, behaviour.Sessions.Weekly),
        };
        return start with
        {
            Time = new TimeWindowOptions { Start = DateTimeOffset.FromUnixTimeSeconds(firstDay), End = DateTimeOffset.FromUnixTimeSeconds(lastDay) },
            Behaviour = behaviour with { Sessions = sessions },
        };
    }

    /// <summary>Counts as weights relative to their mean, to 4 decimals; the fallback when there are none.</summary>
    private static ImmutableArray<double> Relative(ImmutableArray<long> counts, ImmutableArray<double> fallback)
    {
        double mean = counts.Sum() / (double)counts.Length;
        return mean == 0 ? fallback : [.. counts.Select(c => Math.Round(c / mean, 4))];
    }

    private static RecSynthOptions Apply(RecSynthOptions options, Knob[] knobs, LogProfile target, double userSeen, double itemSeen)
    {
        foreach (var knob in knobs)
        {
            options = Set(options, knob.Path, Math.Round(knob.X, 6));
        }

        double median = options.Users.Activity.Median;
        return options with
        {
            Users = options.Users with
            {
                Count = (int)Math.Clamp(Math.Round(target.Users / userSeen), 1, 2_000_000_000),
                Activity = options.Users.Activity with
                {
                    Min = Math.Min(options.Users.Activity.Min, Math.Round(median / 20, 6)),
                    Max = Math.Min(10_000, Math.Max(options.Users.Activity.Max, Math.Round(median * 20, 6))),
                },
            },
            Catalog = options.Catalog with { Count = (int)Math.Clamp(Math.Round(target.Items / itemSeen), 1, 100_000_000) },
        };
    }

    private static RecSynthOptions Scaled(RecSynthOptions options, double scale) => scale >= 1 ? options : options with
    {
        Users = options.Users with { Count = Math.Max(1, (int)Math.Round(options.Users.Count * scale)) },
        Catalog = options.Catalog with { Count = Math.Max(1, (int)Math.Round(options.Catalog.Count * scale)) },
    };

    private static RecSynthOptions Set(RecSynthOptions o, string path, double x) => path switch
    {
        "users.activity.median" => o with { Users = o.Users with { Activity = o.Users.Activity with { Median = x } } },
        "users.activity.sigma" => o with { Users = o.Users with { Activity = o.Users.Activity with { Sigma = x } } },
        "behaviour.response.view_scale" => o with { Behaviour = o.Behaviour with { Response = o.Behaviour.Response with { ViewScale = x } } },
        "behaviour.response.like_scale" => o with { Behaviour = o.Behaviour with { Response = o.Behaviour.Response with { LikeScale = x } } },
        "behaviour.response.purchase_scale" => o with { Behaviour = o.Behaviour with { Response = o.Behaviour.Response with { PurchaseScale = x } } },
        "catalog.popularity.sigma" => o with { Catalog = o.Catalog with { Popularity = o.Catalog.Popularity with { Sigma = x } } },
        "users.joined_during_share" => o with { Users = o.Users with { JoinedDuringShare = x } },
        "catalog.listed_during_share" => o with { Catalog = o.Catalog with { ListedDuringShare = x } },
        "behaviour.response.revisit" => o with { Behaviour = o.Behaviour with { Response = o.Behaviour.Response with { Revisit = x } } },
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "not a fitted knob"),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>A knob moved toward its statistic: by the secant through its last two rounds, or by a first guess of the slope.</summary>
    private sealed class Knob(string path, double low, double high, bool multiplicative, double guess, Func<LogProfile, double> measure, double target)
    {
        private (double X, double Y)? _previous;

        public string Path { get; } = path;

        public double X { get; set; }

        public bool Skip { get; set; }

        public Func<LogProfile, double> Measure { get; } = measure;

        /// <summary>Relative distance of the statistic from its target (absolute for a share near 0).</summary>
        public double Error(LogProfile profile) => Math.Abs(Measure(profile) - target) / Math.Max(Math.Abs(target), 0.02);

        public void Step(double y)
        {
            double x = X;
            double next;
            if (multiplicative)
            {
                // In logs: log y ≈ a + b log x.
                double ly = Math.Log(Math.Max(y, 1e-9)), lt = Math.Log(Math.Max(target, 1e-9)), lx = Math.Log(Math.Max(x, 1e-9));
                double slope = guess;
                if (_previous is var (px, py) && Math.Abs(Math.Log(px) - lx) > 1e-6)
                {
                    double s = (ly - Math.Log(Math.Max(py, 1e-9))) / (lx - Math.Log(px));
                    slope = s > 0.05 && s < 5 ? s : guess;
                }

                next = Math.Exp(lx + Math.Clamp((lt - ly) / slope, -Math.Log(4), Math.Log(4)));
            }
            else
            {
                double slope = guess;
                if (_previous is var (px, py) && Math.Abs(px - x) > 1e-6)
                {
                    double s = (y - py) / (x - px);
                    slope = s > guess / 20 && s < guess * 20 ? s : guess;
                }

                next = x + Math.Clamp((target - y) / slope, -(high - low) / 4, (high - low) / 4);
            }

            _previous = (x, y);
            X = Math.Clamp(next, low, high);
        }
    }

    /// <summary>
    /// Profiles a run's interactions as they come (in time order), by session ids when the gap is 0; keyed, as a Gorse
    /// holds them: each (type, user, product) once, its events at its first time, profiled by user and time at the end.
    /// </summary>
    private sealed class ProfileSink(long sessionGapSeconds, bool keyed) : ISimulationSink
    {
        private readonly bool _ids = sessionGapSeconds == 0;
        private readonly LogProfiler _profiler = new(sessionGapSeconds == 0 ? LogProfiler.DefaultSessionGapSeconds : sessionGapSeconds, keyed, groupedByUser: keyed);
        private readonly Dictionary<ulong, (long First, int Count)> _keys = [];

        public void Write(RecordBlock block)
        {
            foreach (ref readonly var r in block.Interactions.Span)
            {
                if (!keyed)
                {
                    _profiler.Add(r.User, r.Item, r.Type, r.Timestamp, _ids ? r.SessionId : -1);
                    continue;
                }

                ref var key = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(
                    _keys, ((ulong)(uint)r.User << 33) | ((ulong)(uint)r.Item << 2) | (ulong)r.Type, out bool exists);
                key = exists ? (key.First, key.Count + 1) : (r.Timestamp, 1);
            }
        }

        public LogProfile Finish()
        {
            if (keyed)
            {
                // By user, time, product and type: the order a keyed log's reader puts them in.
                var rows = _keys.Select(k => (User: (int)(k.Key >> 33), Item: (int)((k.Key >> 2) & 0x7FFF_FFFF), Type: (FeedbackType)(k.Key & 3), k.Value.First, k.Value.Count))
                    .OrderBy(k => k.User).ThenBy(k => k.First).ThenBy(k => k.Item).ThenBy(k => k.Type);
                foreach (var (user, item, type, first, count) in rows)
                {
                    for (int c = 0; c < count; c++)
                    {
                        _profiler.Add(user, item, type, first);
                    }
                }
            }

            return _profiler.Finish();
        }
    }
}
