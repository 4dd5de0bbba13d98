using RecSynth.Catalog;
using RecSynth.Configuration;
using RecSynth.Users;

namespace RecSynth.Files.Internals;

/// <summary>Writes the users: <c>users.csv</c>, optionally <c>user_factors.npy</c>. Streams: users are never all in memory.</summary>
internal static class UsersStage
{
    public const string Name = "users";
    public const string UsersFile = "users.csv";
    public const string UserFactors = "user_factors.npy";
    public static readonly string[] AllFiles = [UsersFile, UserFactors];

    private const int RowsPerChunk = 4096;

    public static IReadOnlyList<(string File, ManifestFile Entry)> Write(
        RecSynthOptions options, DatasetFormats formats, string staging, int threads, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        var model = new UserModel(options);
        var vocabulary = new CatalogVocabulary(options.Catalog);
        var written = new List<(string File, ManifestFile Entry)>();
        if (formats.HasFlag(DatasetFormats.Csv))
        {
            var csv = new UsersCsv(model.AgeGroups, vocabulary, model.Count);
            written.Add((UsersFile, StagedFile.Write(Path.Combine(staging, UsersFile), Name, UsersCsv.Header, model.Count, RowsPerChunk, threads, (first, count, buffer) =>
            {
                for (long i = first; i < first + count; i++)
                {
                    var user = model.CreateUser((int)i);
                    var span = buffer.GetSpan(csv.MaxRowBytes);
                    buffer.Advance(csv.WriteRow(user, span));
                }
            }, progress, cancellationToken)));
        }

        if (formats.HasFlag(DatasetFormats.Parquet))
        {
            // A pass of its own: drawing a user again costs less than keeping a row group's users for both files.
            var parquet = new UsersParquet(model.AgeGroups, vocabulary, model.Count);
            string name = ParquetTables.ParquetName(UsersFile);
            written.Add((name, ParquetFile.Write(Path.Combine(staging, name), UsersFile, UsersCsv.Columns, Name, model.Count,
                (int i, ref ParquetRow row) => parquet.WriteRow(model.CreateUser(i), ref row), threads, progress, cancellationToken)));
        }

        if (options.Factors.Write)
        {
            written.Add((UserFactors, CatalogStage.FactorFile(Path.Combine(staging, UserFactors), Name, model.Count, model.FactorDimensions, threads,
                (i, row) => model.UserFactors(model.CreateUser((int)i), row), progress, cancellationToken)));
        }

        return written;
    }
}
