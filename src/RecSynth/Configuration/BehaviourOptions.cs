using System.Collections.Immutable;

namespace RecSynth.Configuration;

/// <summary>A number per level Low, Medium, High (e.g. a price penalty by price sensitivity).</summary>
public sealed record LevelValues
{
    /// <summary>Creates the values.</summary>
    public LevelValues(double low, double medium, double high)
    {
        Low = low;
        Medium = medium;
        High = high;
    }

    /// <summary>Value for Low.</summary>
    [Knob("value for Low", Min = -100, Max = 100)]
    public double Low { get; init; }

    /// <summary>Value for Medium.</summary>
    [Knob("value for Medium", Min = -100, Max = 100)]
    public double Medium { get; init; }

    /// <summary>Value for High.</summary>
    [Knob("value for High", Min = -100, Max = 100)]
    public double High { get; init; }

    internal double this[int level] => level switch { 0 => Low, 1 => Medium, _ => High };
}

/// <summary>When users open sessions: a Poisson process at each user's activity, shaped by the week and the day.</summary>
public sealed record SessionOptions
{
    /// <summary>Relative intensity per weekday, Monday first.</summary>
    [Knob("relative session intensity per weekday, Monday to Sunday (livelier weekends)", Min = 0)]
    public ImmutableArray<double> Weekly { get; init; } = [0.92, 0.90, 0.90, 0.93, 1.00, 1.25, 1.20];

    /// <summary>Relative intensity per hour of the day (UTC).</summary>
    [Knob("relative session intensity per hour of the day, 00 to 23 UTC (evening peak)", Min = 0)]
    public ImmutableArray<double> Hourly { get; init; } =
    [
        0.35, 0.20, 0.12, 0.10, 0.10, 0.15, 0.30, 0.60, 0.80, 0.85, 0.90, 0.95,
        1.10, 1.05, 0.95, 0.95, 1.00, 1.15, 1.50, 1.90, 2.10, 2.00, 1.60, 0.90,
    ];
}

/// <summary>The CF source: ranks products as a well-trained CF model would, from the hidden factors and popularity.</summary>
public sealed record CfSourceOptions
{
    /// <summary>Candidates kept per user, re-ranked with noise in each session.</summary>
    [Knob("candidates kept per user (the model's top list), re-ranked with noise in each session", Min = 10, Max = 10_000)]
    public int Candidates { get; init; } = 120;

    /// <summary>Weight of standardised log-popularity in the CF score.</summary>
    [Knob("weight of standardised log-popularity next to the taste match (user · item factors)", Min = 0, Max = 10)]
    public double PopularityWeight { get; init; } = 0.7;

    /// <summary>Per-session ranking noise.</summary>
    [Knob("standard deviation of the per-session noise added to the CF scores", Min = 0, Max = 10)]
    public double Noise { get; init; } = 0.35;

    /// <summary>Days after listing before CF can recommend a product.</summary>
    [Knob("days after its listing before CF can recommend a product (it needs interactions first: item cold start)", Min = 0, Max = 3650)]
    public int ColdStartDays { get; init; } = 7;

    /// <summary>Positives a user needs before CF knows their taste.</summary>
    [Knob("likes or purchases a user needs before CF knows their taste; until then it ranks by popularity (user cold start)", Min = 0, Max = 1000)]
    public int WarmUpPositives { get; init; } = 3;
}

/// <summary>The image source: embedding similarity to the user's recent likes and purchases.</summary>
public sealed record ImageSourceOptions
{
    /// <summary>Recent positives the slate is similar to.</summary>
    [Knob("recent likes and purchases the image slate is similar to (without any: the user's visual taste)", Min = 1, Max = 20)]
    public int Anchors { get; init; } = 3;

    /// <summary>Nearest neighbours kept per anchor.</summary>
    [Knob("nearest neighbours looked up per anchor product", Min = 10, Max = 1000)]
    public int Neighbours { get; init; } = 30;

    /// <summary>Similarity lost per step back in the user's history.</summary>
    [Knob("similarity discount per step back in the user's history (the most recent anchor counts fully)", Min = 0, Max = 1)]
    public double RecencyDiscount { get; init; } = 0.05;

    /// <summary>Per-session ranking noise.</summary>
    [Knob("standard deviation of the per-session noise added to the similarities", Min = 0, Max = 1)]
    public double Noise { get; init; } = 0.02;

    /// <summary>Products per cell of the similarity index.</summary>
    [Knob("products per cell of the nearest-neighbour index (inverted file over k-means cells)", Min = 16, Max = 100_000)]
    public int CellSize { get; init; } = 64;

    /// <summary>Cells searched per query.</summary>
    [Knob("index cells searched per query (more is slower and closer to exact)", Min = 1, Max = 1000)]
    public int Probes { get; init; } = 12;
}

/// <summary>How a simulated user responds to a slate (docs/design.md §4.7–4.11).</summary>
public sealed record ResponseOptions
{
    /// <summary>Position bias exponent.</summary>
    [Knob("position bias: the user examines the slate top-down and reaches position k with probability 1/k^position_bias", Min = 0, Max = 5)]
    public double PositionBias { get; init; } = 0.8;

    /// <summary>Scale of the view probability.</summary>
    [Knob("P(view | examined) = view_scale x source multiplier x interest x (1 - satiation penalty)", Min = 0, Max = 100)]
    public double ViewScale { get; init; } = 1.6;

    /// <summary>Scale of the like probability.</summary>
    [Knob("P(like | view) = like_scale x interest", Min = 0, Max = 100)]
    public double LikeScale { get; init; } = 0.975;

    /// <summary>Scale of the purchase probability.</summary>
    [Knob("P(purchase | view) = purchase_scale x interest x exp(-purchase_price_penalty x log(price / reference_price))", Min = 0, Max = 100)]
    public double PurchaseScale { get; init; } = 0.22;

    /// <summary>Satiation weight.</summary>
    [Knob("satiation: the share of the view probability lost to a product above that looks the same (similarity 1)", Min = 0, Max = 1)]
    public double Satiation { get; init; } = 0.8;

    /// <summary>Similarity below which a product above does not satiate.</summary>
    [Knob("similarity (expected embedding cosine) to the most similar product above below which there is no satiation; it grows linearly to 1", Min = 0, Max = 1, MaxExclusive = true)]
    public double SatiationThreshold { get; init; } = 0.6;

    /// <summary>How a product viewed in an earlier session draws a view again.</summary>
    [Knob("P(view) of a product the user viewed in an earlier session, relative to one they have not: 1 alike, 0 never again, 2 twice as likely (at most certain)", Min = 0, Max = 100)]
    public double Revisit { get; init; } = 1;

    /// <summary>Price the penalties are relative to.</summary>
    [Knob("price at which the price penalties are zero", Min = 0.01)]
    public double ReferencePrice { get; init; } = 57;

    /// <summary>Intercept of the interest logit.</summary>
    [Knob("interest = sigmoid(bias + matches + taste + popularity - price penalty + condition appeal); this is the bias", Min = -20, Max = 20)]
    public double InterestBias { get; init; } = -1.9;

    /// <summary>Weight of a preferred color.</summary>
    [Knob("interest added when the product's color is among the user's preferred colors", Min = -10, Max = 10)]
    public double Color { get; init; } = 0.9;

    /// <summary>Weight of a preferred pattern.</summary>
    [Knob("interest added for a preferred pattern", Min = -10, Max = 10)]
    public double Pattern { get; init; } = 0.5;

    /// <summary>Weight of a preferred material.</summary>
    [Knob("interest added for a preferred material", Min = -10, Max = 10)]
    public double Material { get; init; } = 0.4;

    /// <summary>Weight of a preferred brand.</summary>
    [Knob("interest added for a preferred brand", Min = -10, Max = 10)]
    public double Brand { get; init; } = 0.6;

    /// <summary>Weight of the primary style.</summary>
    [Knob("interest added when the product's style is the user's primary style", Min = -10, Max = 10)]
    public double Style { get; init; } = 0.8;

    /// <summary>Weight of the hidden taste match.</summary>
    [Knob("interest per unit of hidden taste match (user factors · item factors): what CF can find and images cannot", Min = -10, Max = 10)]
    public double Taste { get; init; } = 0.2;

    /// <summary>Weight of standardised log-popularity.</summary>
    [Knob("interest per standard deviation of log-popularity", Min = -10, Max = 10)]
    public double Popularity { get; init; } = 0.1;

    /// <summary>Price penalty on interest by price sensitivity.</summary>
    [Knob("interest lost per unit of log(price / reference_price), by price sensitivity")]
    public LevelValues PricePenalty { get; init; } = new(0.1, 0.4, 0.9);

    /// <summary>Extra price penalty on purchases by price sensitivity.</summary>
    [Knob("extra purchase penalty per unit of log(price / reference_price), by price sensitivity: price-sensitive users buy cheaper")]
    public LevelValues PurchasePricePenalty { get; init; } = new(0.1, 0.5, 1.1);

    /// <summary>How much the condition's appeal counts, by sustainability focus.</summary>
    [Knob("weight of the condition's second-hand appeal, by sustainability focus")]
    public LevelValues Sustainability { get; init; } = new(0.0, 0.5, 1.0);

    /// <summary>Second-hand appeal per condition.</summary>
    [Knob("second-hand appeal of each condition (weighted by the user's sustainability focus)", Min = -10, Max = 10)]
    public ImmutableArray<NamedNumber> ConditionAppeal { get; init; } =
    [
        new("Like New", -0.2), new("Gently Used", 0.2), new("Well Used", 0.3), new("Vintage", 0.5),
    ];

    /// <summary>Mean seconds spent on a slate position.</summary>
    [Knob("mean seconds spent per examined position (3 s plus an exponential with this mean)", Min = 0, Max = 3600)]
    public double DwellSeconds { get; init; } = 12;

    /// <summary>Mean seconds from a view to a like.</summary>
    [Knob("mean seconds from a view to a like", Min = 0, Max = 86_400)]
    public double LikeDelaySeconds { get; init; } = 10;

    /// <summary>Mean seconds from a view to a purchase.</summary>
    [Knob("mean seconds from a view to a purchase", Min = 0, Max = 86_400)]
    public double PurchaseDelaySeconds { get; init; } = 45;
}

/// <summary>Behaviour (docs/design.md §4, §5): sessions, slates, responses, the bandit log and the ground truth.</summary>
public sealed record BehaviourOptions
{
    /// <summary>The logging policy of <c>generate</c>.</summary>
    [Knob("logging policy of generate: uniform (cf or image, 1/2 each), uniform-blend (over blend_levels), fixed:cf, fixed:image or fixed:<blend>, e.g. fixed:0.25")]
    public string Policy { get; init; } = "uniform";

    /// <summary>Products per slate.</summary>
    [Knob("products per slate (K)", Min = 1, Max = 100)]
    public int SlateSize { get; init; } = 10;

    /// <summary>Blend levels: the share of slate positions filled from the image source.</summary>
    [Knob("blend levels: the share of slate positions filled from the image source (0 is pure CF, 1 pure image)", Min = 0, Max = 1)]
    public ImmutableArray<double> BlendLevels { get; init; } = [0, 0.25, 0.5, 0.75, 1];

    /// <summary>Whether ground_truth.csv is computed and written.</summary>
    [Knob("compute ground_truth.csv: every user's expected reward for every arm and blend level")]
    public bool GroundTruth { get; init; } = true;

    /// <summary>About how many sessions per user the ground truth is estimated from.</summary>
    [Knob("about how many of a user's sessions (sampled at random, the same for every arm) the ground truth averages; 0 = all", Min = 0, Max = 1_000_000)]
    public int GroundTruthSessions { get; init; } = 25;

    /// <summary>Session arrivals.</summary>
    public SessionOptions Sessions { get; init; } = new();

    /// <summary>The CF source.</summary>
    public CfSourceOptions Cf { get; init; } = new();

    /// <summary>The image source.</summary>
    public ImageSourceOptions Image { get; init; } = new();

    /// <summary>The response model.</summary>
    public ResponseOptions Response { get; init; } = new();
}
