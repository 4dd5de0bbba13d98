using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using RecSynth.Cli.Rendering;
using RecSynth.Files;
using Spectre.Console;

namespace RecSynth.Cli.Commands;

/// <summary><c>recsynth stats DIR</c>: a dataset's vital signs as a table, or JSON.</summary>
internal static class StatsCommand
{
    public static Command Create(Consoles console)
    {
        var directory = new Argument<string>("DIR") { Description = "The dataset folder", DefaultValueFactory = _ => "generated_data" };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var command = new Command("stats", "Show a dataset's vital signs: counts, sparsity, event mix, interactions per user and product, the popularity tail, reward rates per arm by cf_preference, interior optimal blends.")
        {
            directory,
            json,
        };
        command.SetAction((result, cancellationToken) =>
        {
            string folder = result.GetValue(directory)!;
            if (!Directory.Exists(folder))
            {
                throw new DatasetUsageException($"{folder} does not exist; give a dataset folder (default generated_data)");
            }

            var stats = DatasetStats.Compute(folder, cancellationToken);
            if (result.GetValue(json))
            {
                console.StdOut.WriteLine(JsonSerializer.Serialize(stats, StatsJson.Default.DatasetStats));
                return Task.FromResult(ExitCodes.Success);
            }

            Render(console.Out, folder, stats);
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static void Render(IAnsiConsole console, string folder, DatasetStats s)
    {
        string N(double x) => x.ToString("N0", CultureInfo.InvariantCulture);
        string P(double x) => x.ToString("P1", CultureInfo.InvariantCulture);
        var table = new Table().Border(TableBorder.Simple).Title(Markup.Escape(folder)).AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("products", N(s.Products));
        table.AddRow("users", N(s.Users));
        table.AddRow("sessions", N(s.Sessions));
        table.AddRow("interactions", N(s.Interactions));
        foreach (var (type, count) in s.EventMix)
        {
            table.AddRow($"  {type}", $"{N(count)} ({P(count / (double)Math.Max(1, s.Interactions))})");
        }

        table.AddRow("sparsity", s.Sparsity.ToString("0.000000", CultureInfo.InvariantCulture));
        table.AddRow("interactions per user (p10/p50/p90/p99/max)", string.Join(" / ", s.InteractionsPerUser.OrderBy(q => Order(q.Key)).Select(q => N(q.Value))));
        table.AddRow("interactions per product (p10/p50/p90/p99/max)", string.Join(" / ", s.InteractionsPerProduct.OrderBy(q => Order(q.Key)).Select(q => N(q.Value))));
        table.AddRow("share on the top 20 % of products", P(s.Top20Share));
        foreach (var (bucket, label) in DatasetStats.CfPreferenceBuckets)
        {
            if (s.RewardRate.TryGetValue(bucket, out var arms))
            {
                table.AddRow($"reward rate, {Markup.Escape(label)}", string.Join("  ", arms.Select(a => $"{Markup.Escape(a.Key)} {a.Value.ToString("0.000", CultureInfo.InvariantCulture)}")));
            }
        }

        if (s.InteriorOptimalBlendShare is double interior)
        {
            table.AddRow("users with an interior optimal blend", P(interior));
        }

        console.Write(table);
    }

    private static int Order(string quantile) => quantile switch { "p10" => 0, "p50" => 1, "p90" => 2, "p99" => 3, _ => 4 };
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DatasetStats))]
internal sealed partial class StatsJson : JsonSerializerContext;
