using System.CommandLine;
using System.Globalization;
using RecSynth.Configuration;
using RecSynth.Files.Config;

namespace RecSynth.Cli.Commands;

/// <summary>The options every verb that builds a dataset shares (generate, and later simulate).</summary>
internal sealed class DatasetArguments
{
    public Option<string?> Config { get; } = new("--config", "-c")
    {
        Description = "TOML config (write one with `recsynth init`); the options below override it",
        HelpName = "FILE",
    };

    public Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "Output folder",
        HelpName = "DIR",
        DefaultValueFactory = _ => "generated_data",
    };

    public Option<string?> Preset { get; } = new("--preset")
    {
        Description = "Sizes: seed (1,000 products, 11 users), small (10,000 / 5,000, the default), medium (100,000 / 100,000), large (1,000,000 / 1,000,000)",
        HelpName = "NAME",
    };

    public Option<long?> Seed { get; } = WholeNumbers.Long("--seed", "Seed of every random stream (default 42): same config and seed, same bytes");

    public Option<int?> Products { get; } = WholeNumbers.Int("--products", "Number of products (overrides the preset and the config)");

    public Option<int?> Users { get; } = WholeNumbers.Int("--users", "Number of users (overrides the preset and the config)");

    public Option<int?> Threads { get; } = WholeNumbers.Int("--threads", "Generator threads per file being written (default: one per core); the output is the same for any value");

    public Option<bool> Quiet { get; } = new("--quiet", "-q")
    {
        Description = "No progress and no summary; errors only",
    };

    public void AddTo(Command command, bool output = true)
    {
        command.Options.Add(Config);
        if (output)
        {
            command.Options.Add(Output);
        }

        command.Options.Add(Preset);
        command.Options.Add(Seed);
        command.Options.Add(Products);
        command.Options.Add(Users);
        command.Options.Add(Threads);
        command.Options.Add(Quiet);
    }

    public DatasetSettings Read(ParseResult result) => new(
        result.GetValue(Config),
        result.GetValue(Output) ?? "generated_data",
        result.GetValue(Preset),
        result.GetValue(Seed),
        result.GetValue(Products),
        result.GetValue(Users),
        result.GetValue(Threads),
        result.GetValue(Quiet));
}

/// <summary>The shared dataset options as given on the command line.</summary>
internal sealed record DatasetSettings(
    string? Config, string Output, string? Preset, long? Seed, int? Products, int? Users, int? Threads, bool Quiet)
{
    public int ThreadCount => Threads ?? Environment.ProcessorCount;

    /// <summary>The options with the period cut to <paramref name="days"/> days from its start (when given).</summary>
    public static RecSynthOptions WithDays(RecSynthOptions options, int? days, List<OptionProblem> problems)
    {
        if (days is not int count)
        {
            return options;
        }

        if (count is < 1 or > 36_500)
        {
            problems.Add(new("--days", count.ToString(CultureInfo.InvariantCulture), "must be in [1, 36500]"));
            return options;
        }

        return options with { Time = options.Time with { End = options.Time.Start.AddDays(count) } };
    }

    /// <summary>Defaults, then the config file, then --preset, then the explicit options; validated, every problem at once.</summary>
    public RecSynthOptions BuildOptions(List<OptionProblem> problems)
    {
        Preset? preset = null;
        if (Preset is not null)
        {
            preset = ParsePreset(Preset);
            if (preset is null)
            {
                problems.Add(new("--preset", Preset, "must be one of seed, small, medium, large"));
            }
        }

        if (Threads is < 1 or > 1024)
        {
            problems.Add(new("--threads", Threads.Value.ToString(CultureInfo.InvariantCulture), "must be in [1, 1024]"));
        }

        // Overrides are applied before validation, so a value in the file that an option replaces is not judged.
        RecSynthOptions Override(RecSynthOptions options)
        {
            if (preset is { } p)
            {
                options = options.WithPreset(p);
            }

            if (Seed is long seed)
            {
                options = options with { Seed = seed };
            }

            if (Products is int products)
            {
                options = options with { Catalog = options.Catalog with { Count = products } };
            }

            return Users is int users ? options with { Users = options.Users with { Count = users } } : options;
        }

        RecSynthOptions options;
        try
        {
            options = Config is null ? Override(new RecSynthOptions()).EnsureValid() : ConfigFile.Load(Config, Override);
        }
        catch (OptionsException e) when (e.Problems.Count > 0)
        {
            // Problems in values given on the command line are named by their option, not by the file's key.
            problems.AddRange(e.Problems.Select(problem => problem.KeyPath switch
            {
                "catalog.count" when Products.HasValue => problem with { KeyPath = "--products", Location = null },
                "users.count" when Users.HasValue => problem with { KeyPath = "--users", Location = null },
                "seed" when Seed.HasValue => problem with { KeyPath = "--seed", Location = null },
                _ => problem,
            }));
            return new RecSynthOptions();
        }

        return options;
    }

    public static Preset? ParsePreset(string text) => text.ToLowerInvariant() switch
    {
        "seed" => Configuration.Preset.Seed,
        "small" => Configuration.Preset.Small,
        "medium" => Configuration.Preset.Medium,
        "large" => Configuration.Preset.Large,
        _ => null,
    };
}
