using System.Collections.Immutable;

namespace RecSynth.Configuration;

/// <summary>Relative frequencies of the levels Low, Medium, High.</summary>
public sealed record LevelWeights
{
    /// <summary>Creates the weights.</summary>
    public LevelWeights(double low, double medium, double high)
    {
        Low = low;
        Medium = medium;
        High = high;
    }

    /// <summary>Relative frequency of Low.</summary>
    [Knob("relative frequency of Low", Min = 0)]
    public double Low { get; init; }

    /// <summary>Relative frequency of Medium.</summary>
    [Knob("relative frequency of Medium", Min = 0)]
    public double Medium { get; init; }

    /// <summary>Relative frequency of High.</summary>
    [Knob("relative frequency of High", Min = 0)]
    public double High { get; init; }
}

/// <summary>How many values of each attribute a user's <c>style_preferences</c> lists.</summary>
public sealed record StylePreferenceOptions
{
    /// <summary>Number of preferred colors.</summary>
    [Knob("number of preferred colors")]
    public CountRange Colors { get; init; } = new(2, 5);

    /// <summary>Number of preferred patterns.</summary>
    [Knob("number of preferred patterns")]
    public CountRange Patterns { get; init; } = new(1, 3);

    /// <summary>Number of preferred materials.</summary>
    [Knob("number of preferred materials")]
    public CountRange Materials { get; init; } = new(2, 4);

    /// <summary>Number of preferred brands.</summary>
    [Knob("number of preferred brands")]
    public CountRange Brands { get; init; } = new(2, 4);
}

/// <summary>The users' inherent preference for CF over image recommendations.</summary>
public sealed record CfPreferenceOptions
{
    /// <summary>First Beta parameter.</summary>
    [Knob("cf_preference ~ Beta(alpha, beta)", Min = 0.01, Max = 1000)]
    public double Alpha { get; init; } = 2.0;

    /// <summary>Second Beta parameter.</summary>
    [Knob("cf_preference ~ Beta(alpha, beta)", Min = 0.01, Max = 1000)]
    public double Beta { get; init; } = 2.0;

    /// <summary>Whether the mean depends on the age group (for testing contextual bandits).</summary>
    [Knob("make cf_preference depend on age_group: Beta with the group's mean and age_group_concentration")]
    public bool ByAgeGroup { get; init; }

    /// <summary>
    /// Concentration (alpha + beta) of each age group's Beta when <see cref="ByAgeGroup"/> is on: the larger, the more of
    /// the users' spread in cf_preference their age group explains (10 with the default means: about half of it).
    /// </summary>
    [Knob("concentration (alpha + beta) of each age group's Beta when by_age_group is on: the larger, the more of cf_preference's spread the age group explains", Min = 0.02, Max = 1000)]
    public double AgeGroupConcentration { get; init; } = 10;

    /// <summary>Mean cf_preference per age group, used when <see cref="ByAgeGroup"/> is on.</summary>
    [Knob("mean cf_preference of each age group when by_age_group is on", Min = 0, Max = 1, MinExclusive = true, MaxExclusive = true)]
    public ImmutableArray<NamedNumber> AgeGroupMeans { get; init; } =
    [
        new("18-24", 0.30), new("25-34", 0.40), new("35-44", 0.50), new("45-54", 0.60), new("55+", 0.70),
    ];
}

/// <summary>How often users open sessions: heavy-tailed, most are occasional, a few very active.</summary>
public sealed record ActivityOptions
{
    /// <summary>Median sessions per week.</summary>
    [Knob("median sessions per week (log-normal)", Min = 0, MinExclusive = true, Max = 1000)]
    public double Median { get; init; } = 1.0;

    /// <summary>Log-normal spread.</summary>
    [Knob("log-normal spread of sessions per week", Min = 0, Max = 4)]
    public double Sigma { get; init; } = 1.0;

    /// <summary>Lower clip.</summary>
    [Knob("smallest activity (sessions per week)", Min = 0, MinExclusive = true)]
    public double Min { get; init; } = 0.05;

    /// <summary>Upper clip.</summary>
    [Knob("largest activity (sessions per week)", Min = 0, MinExclusive = true, Max = 10_000)]
    public double Max { get; init; } = 20.0;
}

/// <summary>Preference drift (off by default): some users change <c>cf_preference</c> during the period.</summary>
public sealed record DriftOptions
{
    /// <summary>Share of users who drift.</summary>
    [Knob("share of users whose cf_preference changes at drift_at (uniform in the period) to a fresh draw", Min = 0, Max = 1)]
    public double Share { get; init; }
}

/// <summary>The users (docs/design.md §3).</summary>
public sealed record UserOptions
{
    /// <summary>Number of users.</summary>
    [Knob("number of users", Min = 1, Max = 2_000_000_000)]
    public int Count { get; init; } = 5_000;

    /// <summary>Share of users who sign up during the simulated period (user cold start).</summary>
    [Knob("share of users who sign up during the simulated period (user cold start)", Min = 0, Max = 1)]
    public double JoinedDuringShare { get; init; } = 0.2;

    /// <summary>Users who exist at the start signed up uniformly within this many days before it.</summary>
    [Knob("users who exist at the start signed up uniformly within this many days before it", Min = 1, Max = 36_500)]
    public int JoinedBeforeDays { get; init; } = 730;

    /// <summary>Age groups.</summary>
    [Knob("age groups and their relative frequency")]
    public ImmutableArray<WeightedName> AgeGroups { get; init; } =
    [
        new("18-24", 0.22), new("25-34", 0.33), new("35-44", 0.22), new("45-54", 0.13), new("55+", 0.10),
    ];

    /// <summary>Price sensitivity levels.</summary>
    [Knob("relative frequency of each price_sensitivity level")]
    public LevelWeights PriceSensitivity { get; init; } = new(0.25, 0.45, 0.30);

    /// <summary>Sustainability focus levels.</summary>
    [Knob("relative frequency of each sustainability_focus level")]
    public LevelWeights SustainabilityFocus { get; init; } = new(0.30, 0.45, 0.25);

    /// <summary>Sizes of the style_preferences lists.</summary>
    public StylePreferenceOptions StylePreferences { get; init; } = new();

    /// <summary>CF preference.</summary>
    public CfPreferenceOptions CfPreference { get; init; } = new();

    /// <summary>Smallest preference_consistency.</summary>
    [Knob("preference_consistency ~ Uniform(consistency_min, consistency_max): how reliably a user acts on cf_preference", Min = 0, Max = 1)]
    public double ConsistencyMin { get; init; } = 0.7;

    /// <summary>Largest preference_consistency.</summary>
    [Knob("upper end of preference_consistency", Min = 0, Max = 1)]
    public double ConsistencyMax { get; init; } = 1.0;

    /// <summary>Sessions per week.</summary>
    public ActivityOptions Activity { get; init; } = new();

    /// <summary>Preference drift.</summary>
    public DriftOptions Drift { get; init; } = new();
}
