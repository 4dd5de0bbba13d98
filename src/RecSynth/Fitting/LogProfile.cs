using System.Collections.Immutable;

namespace RecSynth.Fitting;

/// <summary>
/// The shape of an interaction log, as <c>recsynth fit</c> and <c>recsynth fidelity</c> measure it (docs/fitting.md):
/// counts, time window, sessions, daily and weekly rhythm, event mix and funnel, popularity curve, arrivals of users
/// and products, repeat interactions. Everything is measured on the log alone, so a real log and a generated dataset
/// are measured the same way: a user or product appears only through its events, and a session only when it has one.
/// </summary>
public sealed record LogProfile
{
    /// <summary>The longest session length, sessions per user and day index kept one by one; longer ones share the last bucket.</summary>
    public const int HistogramCap = 1000;

    /// <summary>Width, in log10 seconds, of a bucket of <see cref="GapHistogram"/> (from 1 s up: bucket b holds gaps in [10^(b·w), 10^((b+1)·w)) s).</summary>
    public const double GapBucketWidth = 0.05;

    /// <summary>Events read.</summary>
    public long Events { get; init; }

    /// <summary>Distinct users with an event.</summary>
    public long Users { get; init; }

    /// <summary>Distinct products with an event.</summary>
    public long Items { get; init; }

    /// <summary>Sessions (given by the log's session ids, or split where a user is inactive longer than <see cref="SessionGapSeconds"/>).</summary>
    public long Sessions { get; init; }

    /// <summary>The inactivity that splits sessions, in seconds; 0 when the log gave session ids.</summary>
    public long SessionGapSeconds { get; init; }

    /// <summary>
    /// Whether the log holds one row per (type, user, product), as a Gorse does: a key's repeated events all sit at its
    /// first event's time. A fit then measures its simulations the same way.
    /// </summary>
    public bool Keyed { get; init; }

    /// <summary>The first event's time, Unix seconds.</summary>
    public long FirstEvent { get; init; }

    /// <summary>The last event's time, Unix seconds.</summary>
    public long LastEvent { get; init; }

    /// <summary>The last session's start (its first event's time), Unix seconds: a session that starts before a period's end may run past it.</summary>
    public long LastSessionStart { get; init; }

    /// <summary>Views.</summary>
    public long Views { get; init; }

    /// <summary>Likes.</summary>
    public long Likes { get; init; }

    /// <summary>Purchases.</summary>
    public long Purchases { get; init; }

    /// <summary>[k]: users with k sessions (the last bucket: <see cref="HistogramCap"/> or more).</summary>
    public ImmutableArray<long> SessionsPerUser { get; init; } = [];

    /// <summary>[k]: sessions with k events (the last bucket: <see cref="HistogramCap"/> or more).</summary>
    public ImmutableArray<long> EventsPerSession { get; init; } = [];

    /// <summary>Gaps between a user's sessions (end of one to start of the next), by log10 seconds (<see cref="GapBucketWidth"/>).</summary>
    public ImmutableArray<long> GapHistogram { get; init; } = [];

    /// <summary>Session starts by hour of the day, 00 to 23 UTC.</summary>
    public ImmutableArray<long> HourOfDay { get; init; } = [];

    /// <summary>Session starts by day of the week, Monday to Sunday (UTC).</summary>
    public ImmutableArray<long> DayOfWeek { get; init; } = [];

    /// <summary>[d]: users first seen on day d after the first event's day.</summary>
    public ImmutableArray<long> UserArrivals { get; init; } = [];

    /// <summary>[d]: products first seen on day d after the first event's day.</summary>
    public ImmutableArray<long> ItemArrivals { get; init; } = [];

    /// <summary>Share of events on the most interacted-with 1 % of the products with an event.</summary>
    public double Top1Share { get; init; }

    /// <summary>The same for the top 10 %.</summary>
    public double Top10Share { get; init; }

    /// <summary>The same for the top 20 %.</summary>
    public double Top20Share { get; init; }

    /// <summary>Gini coefficient of events per product (over products with an event).</summary>
    public double Gini { get; init; }

    /// <summary>[p]: share of events on the top p % of products, p = 0…100 (the Lorenz curve from the top, for charts).</summary>
    public ImmutableArray<double> PopularityCurve { get; init; } = [];

    /// <summary>Share of events on a (user, product) pair the user already had an event with in an earlier session.</summary>
    public double RepeatShare { get; init; }

    /// <summary>Events the repeat share was measured on (all, or those of a sample of users when the log is large).</summary>
    public long RepeatSampleEvents { get; init; }

    /// <summary>Events that came earlier than one of their user's events read before (and were taken in their reading order).</summary>
    public long OutOfOrder { get; init; }

    /// <summary>Sessions per user, mean.</summary>
    public double SessionsPerUserMean => Users == 0 ? 0 : Sessions / (double)Users;

    /// <summary>Events per session, mean.</summary>
    public double EventsPerSessionMean => Sessions == 0 ? 0 : Events / (double)Sessions;

    /// <summary>Likes per view.</summary>
    public double LikesPerView => Views == 0 ? 0 : Likes / (double)Views;

    /// <summary>Purchases per view.</summary>
    public double PurchasesPerView => Views == 0 ? 0 : Purchases / (double)Views;

    /// <summary>Purchases per like.</summary>
    public double PurchasesPerLike => Likes == 0 ? 0 : Purchases / (double)Likes;

    /// <summary>Days from the first event's day to the last event's, inclusive.</summary>
    public int Days => UserArrivals.Length;
}
