using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RecSynth.Gorse.Internals;

namespace RecSynth.Gorse;

/// <summary>
/// Reads every user, item and feedback back from Gorse by cursor and compares them with the dataset: Gorse's
/// <c>RowAffected</c> only echoes the request size, so reading back is the only proof nothing was lost.
/// </summary>
public static class GorseVerify
{
    private const int MaxExamples = 5;

    /// <summary>
    /// Compares the three tables; rows Gorse holds beyond the dataset are counted as unexpected, not as errors.
    /// <paramref name="progress"/> hears of each table at its start, after each page read and at its end.
    /// </summary>
    public static async Task<IReadOnlyList<GorseTableCheck>> VerifyAsync(
        GorseDataset dataset, GorseClient client, int pageSize = 1000, IProgress<GorseVerifyProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var users = await CompareAsync(
            "users", dataset.UserCount, i => dataset.User(i), u => u.UserId, client.ReadAllUsersAsync(pageSize, cancellationToken), DescribeUser, pageSize, progress).ConfigureAwait(false);
        var items = await CompareAsync(
            "items", dataset.ItemCount, i => dataset.Item(i), i => i.ItemId, client.ReadAllItemsAsync(pageSize, cancellationToken), DescribeItem, pageSize, progress).ConfigureAwait(false);
        var feedback = await CompareAsync(
            "feedback", dataset.FeedbackCount, i => dataset.Feedback(i), f => $"{f.FeedbackType}/{f.UserId}/{f.ItemId}", client.ReadAllFeedbackAsync(pageSize, cancellationToken), DescribeFeedback, pageSize, progress).ConfigureAwait(false);
        return [users, items, feedback];
    }

    /// <summary>
    /// Compares a table read back (<paramref name="actual"/>) with the dataset's rows by key. With <paramref name="hash"/>
    /// (a row's hash; true: of its canonical form) it also sums the checksums of both sides: a row read back equal to the
    /// dataset's, value for value, is neither canonicalised nor compared field by field.
    /// </summary>
    internal static async Task<GorseTableCheck> CompareAsync<T>(
        string table, int count, Func<int, T> expectedRow, Func<T, string> key, IAsyncEnumerable<T> actual, Func<T, T, string?> difference,
        int pageSize, IProgress<GorseVerifyProgress>? progress, Func<T, bool, ulong>? hash = null)
    {
        ulong expectedSum = 0, actualSum = 0;
        var hashes = hash is null ? null : new ulong[count];
        long found = 0, read = 0, reported = -1;
        void Report(long done)
        {
            if (done != reported)
            {
                progress?.Report(new(table, done, count));
                reported = done;
            }
        }

        Report(0);
        var expected = new Dictionary<string, int>(count, StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            var row = expectedRow(i);
            expected[key(row)] = i;
            if (hashes is not null)
            {
                hashes[i] = hash!(row, false);
                expectedSum += hashes[i];
            }
        }

        var seen = new bool[count];
        long different = 0, unexpected = 0;
        var examples = new List<string>();
        await foreach (var row in actual.ConfigureAwait(false))
        {
            if (++read % pageSize == 0)
            {
                Report(found);
            }

            string k = key(row);
            if (!expected.TryGetValue(k, out int index))
            {
                unexpected++;
                actualSum += hash?.Invoke(row, true) ?? 0;
                continue;
            }

            found += seen[index] ? 0 : 1;
            seen[index] = true;
            var expectedValue = expectedRow(index);
            if (hashes is not null)
            {
                if (EqualityComparer<T>.Default.Equals(expectedValue, row))
                {
                    actualSum += hashes[index];
                    continue;
                }

                actualSum += hash!(row, true);
            }

            if (difference(expectedValue, row) is { } what)
            {
                different++;
                if (examples.Count < MaxExamples)
                {
                    examples.Add($"{k}: {what}");
                }
            }
        }

        long missing = 0;
        for (int i = 0; i < count; i++)
        {
            if (!seen[i])
            {
                missing++;
                if (examples.Count < MaxExamples)
                {
                    examples.Add($"{key(expectedRow(i))}: missing");
                }
            }
        }

        Report(count);
        return hash is null
            ? new GorseTableCheck(table, count, missing, different, unexpected, examples)
            : new GorseTableCheck(table, count, missing, different, unexpected, examples) { ExpectedChecksum = Database.RowHash.Format(expectedSum), Checksum = Database.RowHash.Format(actualSum) };
    }

    private static string? DescribeUser(GorseUser expected, GorseUser actual) =>
        !SameJson(expected.Labels, actual.Labels) ? "Labels differ"
        : expected.Comment != actual.Comment ? $"Comment '{actual.Comment}' instead of '{expected.Comment}'"
        : null;

    private static string? DescribeItem(GorseItem expected, GorseItem actual) =>
        !expected.Categories.SequenceEqual(actual.Categories) ? $"Categories [{string.Join(",", actual.Categories)}] instead of [{string.Join(",", expected.Categories)}]"
        : expected.Timestamp != actual.Timestamp ? $"Timestamp {Rfc3339Converter.Format(actual.Timestamp)} instead of {Rfc3339Converter.Format(expected.Timestamp)}"
        : expected.IsHidden != actual.IsHidden ? $"IsHidden {actual.IsHidden}"
        : !SameJson(expected.Labels, actual.Labels) ? "Labels differ"
        : expected.Comment != actual.Comment ? $"Comment '{actual.Comment}' instead of '{expected.Comment}'"
        : null;

    private static string? DescribeFeedback(GorseFeedback expected, GorseFeedback actual) =>
        expected.Value != actual.Value ? string.Create(CultureInfo.InvariantCulture, $"Value {actual.Value} instead of {expected.Value}")
        : expected.Timestamp != actual.Timestamp ? $"Timestamp {Rfc3339Converter.Format(actual.Timestamp)} instead of {Rfc3339Converter.Format(expected.Timestamp)}"
        : expected.Comment != actual.Comment ? $"Comment '{actual.Comment}' instead of '{expected.Comment}'"
        : null;

    /// <summary>Equal as JSON values (numbers by value, object keys in any order).</summary>
    private static bool SameJson(JsonObject? a, JsonObject? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        using var x = JsonDocument.Parse(a.ToJsonString());
        using var y = JsonDocument.Parse(b.ToJsonString());
        return JsonElement.DeepEquals(x.RootElement, y.RootElement);
    }
}
