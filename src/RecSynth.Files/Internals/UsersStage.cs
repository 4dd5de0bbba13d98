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
        RecSynthOptions options, string staging, int threads, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        var model = new UserModel(options);
        var csv = new UsersCsv(model.AgeGroups, new CatalogVocabulary(options.Catalog), model.Count);
        var written = new List<(string File, ManifestFile Entry)>();
        written.Add((UsersFile, StagedFile.Write(Path.Combine(staging, UsersFile), Name, UsersCsv.Header, model.Count, RowsPerChunk, threads, (first, count, buffer) =>
        {
            for (long i = first; i < first + count; i++)
            {
                var user = model.CreateUser((int)i);
                var span = buffer.GetSpan(csv.MaxRowBytes);
                buffer.Advance(csv.WriteRow(user, span));
            }
        }, progress, cancellationToken)));

        if (options.Factors.Write)
        {
            written.Add((UserFactors, CatalogStage.FactorFile(Path.Combine(staging, UserFactors), Name, model.Count, model.FactorDimensions, threads,
                (i, row) => model.UserFactors(model.CreateUser((int)i), row), progress, cancellationToken)));
        }

        return written;
    }
}
