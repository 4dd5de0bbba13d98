using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using RecSynth.Gorse.Internals;

namespace RecSynth.Gorse;

/// <summary>
/// Writes a dataset as the JSON Lines files Gorse's dashboard bulk import takes (<c>/api/bulk/users</c>,
/// <c>/api/bulk/items</c>, <c>/api/bulk/feedback</c>): one object per line, the same fields and values a push sends.
/// </summary>
public static class GorseExport
{
    /// <summary>The files written, in order.</summary>
    public static IReadOnlyList<string> Files { get; } = ["users.jsonl", "items.jsonl", "feedback.jsonl"];

    /// <summary>Writes users.jsonl, items.jsonl and feedback.jsonl into <paramref name="outputDirectory"/>, each under a temporary name until complete.</summary>
    public static void WriteJsonLines(GorseDataset dataset, string outputDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        Directory.CreateDirectory(outputDirectory);
        Write(Path.Combine(outputDirectory, Files[0]), dataset.UserCount, dataset.User, GorseJson.Default.GorseUser, cancellationToken);
        Write(Path.Combine(outputDirectory, Files[1]), dataset.ItemCount, dataset.Item, GorseJson.Default.GorseItem, cancellationToken);
        Write(Path.Combine(outputDirectory, Files[2]), dataset.FeedbackCount, dataset.Feedback, GorseJson.Default.GorseFeedback, cancellationToken);
    }

    private static void Write<T>(string path, int count, Func<int, T> row, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        string temporary = path + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { SkipValidation = true });
                for (int i = 0; i < count; i++)
                {
                    if ((i & 0x3FF) == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                    }

                    JsonSerializer.Serialize(writer, row(i), type);
                    writer.Flush();
                    stream.WriteByte((byte)'\n');
                    writer.Reset();
                }
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
