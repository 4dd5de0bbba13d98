using System.Globalization;
using RecSynth.Files;
using Spectre.Console;

namespace RecSynth.Cli.Rendering;

/// <summary>What `generate` prints on stdout when it is done.</summary>
internal static class Summary
{
    public static void Write(IAnsiConsole console, string directory, DatasetManifest manifest, long seed, TimeSpan elapsed)
    {
        console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"Wrote [green]{directory}[/] (seed {seed}) in {elapsed.TotalSeconds:0.00} s");
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("file").AddColumn(new TableColumn("rows").RightAligned()).AddColumn(new TableColumn("size").RightAligned()).AddColumn("sha256");
        foreach (var (name, file) in manifest.Files)
        {
            table.AddRow(
                Markup.Escape(name),
                file.Rows.ToString("N0", CultureInfo.InvariantCulture),
                Size(file.Bytes),
                file.Sha256[..12] + "…");
        }

        console.Write(table);
    }

    private static string Size(long bytes) => bytes switch
    {
        < 1 << 10 => bytes.ToString(CultureInfo.InvariantCulture) + " B",
        < 1 << 20 => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        < 1 << 30 => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        _ => (bytes / 1073741824.0).ToString("0.00", CultureInfo.InvariantCulture) + " GiB",
    };
}
