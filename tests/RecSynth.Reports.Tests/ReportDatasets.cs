using RecSynth.Configuration;
using RecSynth.Files;
using RecSynth.Testing;

[assembly: AssemblyFixture(typeof(RecSynth.Reports.Tests.ReportDatasets))]

namespace RecSynth.Reports.Tests;

/// <summary>One small dataset (400 products, 300 users, two weeks of behaviour) generated once and copied by the tests that add files to it.</summary>
public sealed class ReportDatasets : IDisposable
{
    public const int Products = 400;
    public const int Users = 300;

    private readonly TempDirectory _root = new("report-datasets");
    private readonly Lazy<string> _dataset;

    public ReportDatasets()
    {
        _dataset = new(() =>
        {
            string folder = _root.Sub("data");
            var start = new DateTimeOffset(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);
            var options = new RecSynthOptions { Seed = 42 } with
            {
                Catalog = new CatalogOptions { Count = Products },
                Users = new UserOptions { Count = Users },
                Time = new TimeWindowOptions { Start = start, End = start.AddDays(14) },
            };
            DatasetGenerator.Generate(options, new GenerateOptions { Directory = folder, Threads = 2 }, cancellationToken: CancellationToken.None);
            return folder;
        });
    }

    /// <summary>The generated dataset; read it, do not write into it (use <see cref="CopyTo"/>).</summary>
    public string Folder => _dataset.Value;

    /// <summary>A copy of the dataset in a new folder, for tests that add metrics files or write reports.</summary>
    public string CopyTo(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (string file in Directory.EnumerateFiles(Folder))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        return folder;
    }

    /// <summary>The report of a copy of the dataset with 30 days of synthetic metrics (metrics.csv, arms cf and image).</summary>
    internal ReportPage ReportWithMetrics(TempDirectory temp)
    {
        string folder = CopyTo(temp.Sub("data"));
        SyntheticMetrics.Write(Path.Combine(folder, "metrics.csv"), ["Cf", "Image"], 30, 5);
        return ReportPage.Load(DatasetReport.Write(folder, cancellationToken: TestContext.Current.CancellationToken));
    }

    public void Dispose() => _root.Dispose();
}
