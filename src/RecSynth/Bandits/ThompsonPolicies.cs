using System.Collections.Immutable;
using RecSynth.Behaviour;
using RecSynth.Internals;
using RecSynth.Users;

namespace RecSynth.Bandits;

/// <summary>
/// Thompson sampling with a Beta-Bernoulli model per user and arm: the arm whose reward rate, drawn from its posterior,
/// is the largest. The probability of each arm (probability matching) is estimated from <see cref="Draws"/> posterior
/// draws and mixed with 1 / (Draws + 1) of uniform, so that every arm keeps a positive, exactly known propensity.
/// </summary>
internal class ThompsonPolicy(string name, ImmutableArray<Arm> arms, int users) : BanditPolicy(name, arms, users)
{
    /// <summary>Posterior draws per choice that estimate the arms' probabilities.</summary>
    public const int Draws = 32;

    public ThompsonPolicy(ImmutableArray<Arm> arms, int users)
        : this("thompson", arms, users)
    {
    }

    /// <summary>The prior of the user's reward rate on an arm, as Beta(alpha, beta).</summary>
    protected virtual (double Alpha, double Beta) Prior(int user, int arm) => (1, 1);

    public override void Probabilities(int user, ref EntityRandom random, Span<double> probabilities)
    {
        int arms = Arms.Length;
        Span<double> alpha = stackalloc double[arms];
        Span<double> beta = stackalloc double[arms];
        Posterior(user, alpha, beta);

        Span<int> wins = stackalloc int[arms];
        wins.Clear();
        Span<double> draw = stackalloc double[arms];
        for (int d = 0; d < Draws; d++)
        {
            for (int a = 0; a < arms; a++)
            {
                draw[a] = random.NextBeta(alpha[a], beta[a]);
            }

            wins[ArgMax(draw)]++;
        }

        for (int a = 0; a < arms; a++)
        {
            probabilities[a] = (wins[a] + 1.0 / arms) / (Draws + 1);
        }
    }

    public override int BestArm(int user)
    {
        if (Sessions(user) == 0)
        {
            return -1;
        }

        Span<double> alpha = stackalloc double[Arms.Length];
        Span<double> beta = stackalloc double[Arms.Length];
        Posterior(user, alpha, beta);
        Span<double> means = stackalloc double[Arms.Length];
        for (int a = 0; a < Arms.Length; a++)
        {
            means[a] = alpha[a] / (alpha[a] + beta[a]);
        }

        return ArgMax(means);
    }

    /// <summary>
    /// The user's Beta posterior of each arm. Over blend levels, neighbouring blends inform each other: an arm also
    /// counts the sessions of the other levels, weighted by exp(−(Δw / 0.35)²) (0.60 for the next level, 0.13 for the
    /// one after; docs/design.md §6.2), since a user's reward changes smoothly with the blend.
    /// </summary>
    protected void Posterior(int user, Span<double> alpha, Span<double> beta)
    {
        for (int a = 0; a < Arms.Length; a++)
        {
            var (a0, b0) = Prior(user, a);
            double wins = 0, losses = 0;
            for (int j = 0; j < Arms.Length; j++)
            {
                double distance = (Arms[a].Blend - Arms[j].Blend) / SmoothingWidth;
                double weight = Arms.Length > 2 ? Math.Exp(-distance * distance) : (a == j ? 1 : 0);
                wins += weight * Rewards(user, j);
                losses += weight * (Pulls(user, j) - Rewards(user, j));
            }

            alpha[a] = a0 + wins;
            beta[a] = b0 + losses;
        }
    }

    private const double SmoothingWidth = 0.35;
}

/// <summary>
/// Thompson sampling per user whose prior is learned across users (empirical Bayes), refitted after every simulated
/// day: for each arm, a weighted ridge regression of the users' reward rates on their features gives the prior mean,
/// and the spread of the users' rates around it (beyond binomial noise, by the method of moments) gives the prior's
/// strength. With only an intercept this is hierarchical Thompson sampling (one prior per arm, for cold users); with
/// the observable attributes one-hot it is the contextual policy (a linear model on attributes sets each user's prior).
/// </summary>
internal sealed class EmpiricalBayesThompsonPolicy : ThompsonPolicy
{
    private const double MinStrength = 2;
    private const double MaxStrength = 6;
    private const double Ridge = 1;
    private static readonly int[] s_interceptOnly = [0];
    private readonly int[][] _features; // per user: the indexes of its active features (0 = intercept)
    private readonly int _featureCount;
    private readonly double[][] _weights; // per arm
    private readonly double[] _strength; // per arm: alpha + beta of the prior

    private EmpiricalBayesThompsonPolicy(string name, ImmutableArray<Arm> arms, int[][] features, int featureCount)
        : base(name, arms, features.Length)
    {
        _features = features;
        _featureCount = featureCount;
        _weights = [.. arms.Select(_ => new double[featureCount])];
        foreach (var w in _weights)
        {
            w[0] = 0.5;
        }

        _strength = [.. arms.Select(_ => MinStrength)];
    }

    /// <summary>Hierarchical Thompson sampling: one prior per arm, learned across users.</summary>
    public static EmpiricalBayesThompsonPolicy Hierarchical(ImmutableArray<Arm> arms, int users) =>
        new("hierarchical-thompson", arms, [.. Enumerable.Repeat(s_interceptOnly, users)], 1);

    /// <summary>The contextual policy: each user's prior from a linear model on age group, primary style, price sensitivity and sustainability focus.</summary>
    public static EmpiricalBayesThompsonPolicy Contextual(ImmutableArray<Arm> arms, IReadOnlyList<User> users, int ageGroups, int styles)
    {
        int offsetStyle = 1 + ageGroups, offsetPrice = offsetStyle + styles, offsetFocus = offsetPrice + 3;
        var features = users.Select(u => new[] { 0, 1 + u.AgeGroup, offsetStyle + u.PrimaryStyle, offsetPrice + u.PriceSensitivity, offsetFocus + u.SustainabilityFocus }).ToArray();
        return new("contextual", arms, features, offsetFocus + 3);
    }

    protected override (double Alpha, double Beta) Prior(int user, int arm)
    {
        double mean = Mean(user, arm);
        return (_strength[arm] * mean, _strength[arm] * (1 - mean));
    }

    private double Mean(int user, int arm)
    {
        double sum = 0;
        foreach (int f in _features[user])
        {
            sum += _weights[arm][f];
        }

        return Math.Clamp(sum, 0.005, 0.995);
    }

    public override void EndOfDay()
    {
        int f = _featureCount;
        for (int arm = 0; arm < Arms.Length; arm++)
        {
            // Weighted ridge regression of each user's reward rate on its features, weights = sessions on the arm.
            var a = new double[f * f];
            var b = new double[f];
            for (int i = 0; i < f; i++)
            {
                a[i * f + i] = Ridge;
            }

            b[0] = Ridge * 0.5; // shrinks the intercept towards 1/2 rather than 0 while data is scarce
            bool any = false;
            for (int user = 0; user < _features.Length; user++)
            {
                int n = Pulls(user, arm);
                if (n == 0)
                {
                    continue;
                }

                any = true;
                double y = Rewards(user, arm) / (double)n;
                var x = _features[user];
                foreach (int i in x)
                {
                    b[i] += n * y;
                    foreach (int j in x)
                    {
                        a[i * f + j] += n;
                    }
                }
            }

            if (!any)
            {
                continue;
            }

            _weights[arm] = Solve(a, b, f);
            _strength[arm] = Strength(arm);
        }
    }

    /// <summary>The prior strength for which the users' rates vary around their means as observed (method of moments).</summary>
    private double Strength(int arm)
    {
        double spread = 0, noise = 0, bernoulli = 0;
        int users = 0;
        for (int user = 0; user < _features.Length; user++)
        {
            int n = Pulls(user, arm);
            if (n < 3)
            {
                continue;
            }

            double mean = Mean(user, arm);
            double y = Rewards(user, arm) / (double)n;
            spread += (y - mean) * (y - mean);
            noise += mean * (1 - mean) / n;
            bernoulli += mean * (1 - mean);
            users++;
        }

        if (users < 10)
        {
            // Too early to measure the users' spread (few have three sessions on the arm): a moderate prior, so that
            // what the first days taught about similar users already shapes the next users' first sessions.
            return MaxStrength;
        }

        double variance = (spread - noise) / users;
        return variance <= 0 ? MaxStrength : Math.Clamp(bernoulli / users / variance - 1, MinStrength, MaxStrength);
    }

    /// <summary>The lower Cholesky factor l of the symmetric positive definite n × n matrix a (pivots at least √floor).</summary>
    internal static void Cholesky(ReadOnlySpan<double> a, Span<double> l, int n, double floor)
    {
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = a[i * n + j];
                for (int k = 0; k < j; k++)
                {
                    sum -= l[i * n + k] * l[j * n + k];
                }

                l[i * n + j] = i == j ? Math.Sqrt(Math.Max(sum, floor)) : sum / l[j * n + j];
            }
        }
    }

    /// <summary>Solves the symmetric positive definite system a·x = b by Cholesky decomposition (fixed order).</summary>
    private static double[] Solve(double[] a, double[] b, int n)
    {
        var l = new double[n * n];
        Cholesky(a, l, n, 1e-12);

        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double sum = b[i];
            for (int k = 0; k < i; k++)
            {
                sum -= l[i * n + k] * y[k];
            }

            y[i] = sum / l[i * n + i];
        }

        var x = new double[n];
        for (int i = n - 1; i >= 0; i--)
        {
            double sum = y[i];
            for (int k = i + 1; k < n; k++)
            {
                sum -= l[k * n + i] * x[k];
            }

            x[i] = sum / l[i * n + i];
        }

        return x;
    }
}

/// <summary>
/// Thompson sampling over blend levels with a per-user model of the reward across the blend: the reward rate at blend
/// w is θ₀ + θ₁·w + θ₂·w², θ with a Gaussian prior and a Gaussian likelihood (Bayesian linear regression with the
/// Bernoulli variance of the pooled rate). The prior is hierarchical: its mean and full covariance are learned across
/// users every day (empirical Bayes by EM), so that a user's curve is pulled towards the shapes other users' curves
/// have (users differ mostly along one direction, their preference between the sources). Every session informs every
/// level, so a user's best blend is found from far fewer sessions than with a separate Beta per level. The arms' probabilities are estimated from <see cref="ThompsonPolicy.Draws"/> posterior draws and
/// mixed with 1 / (Draws + 1) of uniform.
/// </summary>
internal sealed class CurveThompsonPolicy(ImmutableArray<Arm> arms, int users) : BanditPolicy("curve-thompson", arms, users)
{
    private const int Terms = 3;
    private const double PriorSd = 0.3; // of each coefficient, until there are users enough to learn the population's prior
    private const int MinUsersForPrior = 50;
    private const double CovarianceFloor = 1e-4; // keeps the learned prior's covariance positive definite
    private readonly double[] _priorMean = [0.4, 0, 0];
    private readonly double[] _priorPrecision = [1 / (PriorSd * PriorSd), 0, 0, 0, 1 / (PriorSd * PriorSd), 0, 0, 0, 1 / (PriorSd * PriorSd)];
    private double _pooled = 0.4;

    /// <summary>
    /// Refits the pooled reward rate (the likelihood's variance) and the population prior N(μ, Σ) of θ by one step of EM
    /// over the users served so far: μ = the mean of their posterior means, Σ = the mean of their posterior covariances
    /// plus the spread of their means around μ. One step a day converges as the days go by.
    /// </summary>
    public override void EndOfDay()
    {
        long pulls = 0, rewards = 0;
        int users = UserCount;
        for (int u = 0; u < users; u++)
        {
            for (int a = 0; a < Arms.Length; a++)
            {
                pulls += Pulls(u, a);
                rewards += Rewards(u, a);
            }
        }

        _pooled = pulls == 0 ? 0.4 : Math.Clamp(rewards / (double)pulls, 0.02, 0.98);

        Span<double> mean = stackalloc double[Terms];
        Span<double> cov = stackalloc double[Terms * Terms];
        var means = new List<double[]>();
        var sigma = new double[Terms * Terms];
        for (int u = 0; u < users; u++)
        {
            if (Sessions(u) == 0)
            {
                continue;
            }

            PosteriorMoments(u, mean, cov);
            means.Add(mean.ToArray());
            for (int i = 0; i < Terms * Terms; i++)
            {
                sigma[i] += cov[i];
            }
        }

        if (means.Count < MinUsersForPrior)
        {
            _priorMean[0] = _pooled;
            return;
        }

        var mu = new double[Terms];
        for (int i = 0; i < Terms; i++)
        {
            mu[i] = means.Average(m => m[i]);
        }

        foreach (var m in means)
        {
            for (int i = 0; i < Terms; i++)
            {
                for (int j = 0; j < Terms; j++)
                {
                    sigma[i * Terms + j] += (m[i] - mu[i]) * (m[j] - mu[j]);
                }
            }
        }

        for (int i = 0; i < Terms * Terms; i++)
        {
            sigma[i] = sigma[i] / means.Count + (i % (Terms + 1) == 0 ? CovarianceFloor : 0);
        }

        mu.CopyTo(_priorMean, 0);
        Invert3(sigma, _priorPrecision);
    }

    public override void Probabilities(int user, ref EntityRandom random, Span<double> probabilities)
    {
        Span<double> mean = stackalloc double[Terms];
        Span<double> chol = stackalloc double[Terms * Terms];
        Posterior(user, mean, chol);
        Span<int> wins = stackalloc int[Arms.Length];
        wins.Clear();
        Span<double> z = stackalloc double[Terms];
        Span<double> theta = stackalloc double[Terms];
        Span<double> values = stackalloc double[Arms.Length];
        for (int d = 0; d < ThompsonPolicy.Draws; d++)
        {
            for (int i = 0; i < Terms; i++)
            {
                z[i] = random.NextNormal();
            }

            for (int i = 0; i < Terms; i++)
            {
                double sum = mean[i];
                for (int k = 0; k <= i; k++)
                {
                    sum += chol[i * Terms + k] * z[k];
                }

                theta[i] = sum;
            }

            for (int a = 0; a < Arms.Length; a++)
            {
                double w = Arms[a].Blend;
                values[a] = theta[0] + theta[1] * w + theta[2] * w * w;
            }

            wins[ArgMax(values)]++;
        }

        for (int a = 0; a < Arms.Length; a++)
        {
            probabilities[a] = (wins[a] + 1.0 / Arms.Length) / (ThompsonPolicy.Draws + 1);
        }
    }

    public override int BestArm(int user)
    {
        if (Sessions(user) == 0)
        {
            return -1;
        }

        Span<double> mean = stackalloc double[Terms];
        Span<double> chol = stackalloc double[Terms * Terms];
        Posterior(user, mean, chol);
        Span<double> values = stackalloc double[Arms.Length];
        for (int a = 0; a < Arms.Length; a++)
        {
            double w = Arms[a].Blend;
            values[a] = mean[0] + mean[1] * w + mean[2] * w * w;
        }

        return ArgMax(values);
    }

    private int UserCount => PullsLength / Arms.Length;

    /// <summary>The posterior mean of θ and the Cholesky factor of its covariance.</summary>
    private void Posterior(int user, Span<double> mean, Span<double> chol)
    {
        Span<double> cov = stackalloc double[Terms * Terms];
        PosteriorMoments(user, mean, cov);
        chol.Clear();
        EmpiricalBayesThompsonPolicy.Cholesky(cov, chol, Terms, 1e-15);
    }

    private void PosteriorMoments(int user, Span<double> mean, Span<double> cov)
    {
        double noise = _pooled * (1 - _pooled);
        Span<double> precision = stackalloc double[Terms * Terms];
        Span<double> b = stackalloc double[Terms];
        _priorPrecision.CopyTo(precision);
        for (int i = 0; i < Terms; i++)
        {
            double sum = 0;
            for (int j = 0; j < Terms; j++)
            {
                sum += _priorPrecision[i * Terms + j] * _priorMean[j];
            }

            b[i] = sum;
        }

        Span<double> phi = stackalloc double[Terms];
        for (int a = 0; a < Arms.Length; a++)
        {
            int n = Pulls(user, a);
            if (n == 0)
            {
                continue;
            }

            double w = Arms[a].Blend;
            phi[0] = 1;
            phi[1] = w;
            phi[2] = w * w;
            for (int i = 0; i < Terms; i++)
            {
                b[i] += Rewards(user, a) * phi[i] / noise;
                for (int j = 0; j < Terms; j++)
                {
                    precision[i * Terms + j] += n * phi[i] * phi[j] / noise;
                }
            }
        }

        Invert3(precision, cov);
        for (int i = 0; i < Terms; i++)
        {
            double sum = 0;
            for (int j = 0; j < Terms; j++)
            {
                sum += cov[i * Terms + j] * b[j];
            }

            mean[i] = sum;
        }
    }

    private static void Invert3(ReadOnlySpan<double> m, Span<double> inverse)
    {
        double a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5], g = m[6], h = m[7], k = m[8];
        double ca = e * k - f * h, cb = -(d * k - f * g), cc = d * h - e * g;
        double det = a * ca + b * cb + c * cc;
        inverse[0] = ca / det;
        inverse[1] = -(b * k - c * h) / det;
        inverse[2] = (b * f - c * e) / det;
        inverse[3] = cb / det;
        inverse[4] = (a * k - c * g) / det;
        inverse[5] = -(a * f - c * d) / det;
        inverse[6] = cc / det;
        inverse[7] = -(a * h - b * g) / det;
        inverse[8] = (a * e - b * d) / det;
    }
}
