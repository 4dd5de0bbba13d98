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

    /// <summary>
    /// Writes users.jsonl, items.jsonl and feedback.jsonl into <paramref name="outputDirectory"/>, each under a temporary
    /// name, renamed once all three are complete: a failure or cancellation while writing leaves the folder's files as
    /// they were.
    /// </summary>
    public static void WriteJsonLines(GorseDataset dataset, string outputDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        Directory.CreateDirectory(outputDirectory);
        string[] targets = [.. Files.Select(f => Path.Combine(outputDirectory, f))];
        string[] temporaries = [.. targets.Select(t => t + ".tmp")];
        try
        {
            Write(temporaries[0], dataset.UserCount, dataset.User, GorseJson.Default.GorseUser, cancellationToken);
            Write(temporaries[1], dataset.ItemCount, dataset.Item, GorseJson.Default.GorseItem, cancellationToken);
            Write(temporaries[2], dataset.FeedbackCount, dataset.Feedback, GorseJson.Default.GorseFeedback, cancellationToken);
            for (int i = 0; i < targets.Length; i++)
            {
                File.Move(temporaries[i], targets[i], overwrite: true);
            }
        }
        catch
        {
            foreach (string temporary in temporaries)
            {
                File.Delete(temporary);
            }

            throw;
        }
    }

    private static void Write<T>(string path, int count, Func<int, T> row, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
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
}
