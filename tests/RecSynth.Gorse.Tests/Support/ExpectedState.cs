using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RecSynth.Gorse.TestServer;

namespace RecSynth.Gorse.Tests;

/// <summary>
/// What Gorse must hold after a push, worked out from the dataset's files by this test code alone (its own CSV and
/// .npy reading, its own aggregation), so that a bug in the push's mapping cannot hide in the expectation.
/// </summary>
internal sealed class ExpectedState
{
    public Dictionary<string, JsonObject> Users { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, (string[] Categories, DateTimeOffset Timestamp, JsonObject Labels, string Comment)> Items { get; } = new(StringComparer.Ordinal);

    public Dictionary<(string Type, string User, string Item), (double Value, DateTimeOffset Timestamp, SortedSet<string> RecTypes, List<DateTimeOffset> Times)> Feedback { get; } = [];

    public HashSet<string> FeedbackTypes { get; } = new(StringComparer.Ordinal);

    public static ExpectedState Of(string folder, bool withEmbeddings)
    {
        var state = new ExpectedState();
        foreach (var row in Csv(Path.Combine(folder, "users.csv")))
        {
            state.Users[row["user_id"]] = new JsonObject
            {
                ["age_group"] = row["age_group"],
                ["primary_style"] = row["primary_style"],
                ["price_sensitivity"] = row["price_sensitivity"],
                ["sustainability_focus"] = row["sustainability_focus"],
                ["style_preferences"] = JsonNode.Parse(row["style_preferences"]),
                ["signed_up_at"] = row["signed_up_at"],
            };
        }

        float[][]? vectors = withEmbeddings ? Npy(Path.Combine(folder, "embeddings.npy")) : null;
        int index = 0;
        foreach (var row in Csv(Path.Combine(folder, "products.csv")))
        {
            var labels = new JsonObject();
            foreach (string column in new[] { "style", "color", "pattern", "material", "brand", "condition", "size" })
            {
                labels[column] = row[column];
            }

            labels["price"] = double.Parse(row["price"], CultureInfo.InvariantCulture);
            if (vectors is not null)
            {
                labels["embedding"] = new JsonArray([.. vectors[index].Select(v => (JsonNode)JsonValue.Create(v))]);
            }

            state.Items[row["item_id"]] = ([row["category"], row["subcategory"]], Time(row["listed_at"]), labels, row["title"]);
            index++;
        }

        foreach (var row in Csv(Path.Combine(folder, "interactions.csv")))
        {
            var key = (row["FeedbackType"], row["UserId"], row["ItemId"]);
            state.FeedbackTypes.Add(key.Item1);
            var time = Time(row["Timestamp"]);
            if (state.Feedback.TryGetValue(key, out var old))
            {
                old.RecTypes.Add(row["RecType"]);
                old.Times.Add(time);
                state.Feedback[key] = (old.Value + 1, time < old.Timestamp ? time : old.Timestamp, old.RecTypes, old.Times);
            }
            else
            {
                state.Feedback[key] = (1, time, new SortedSet<string>(StringComparer.Ordinal) { row["RecType"] }, [time]);
            }
        }

        return state;
    }

    /// <summary>Asserts the server holds exactly this: the same keys in every table and the same values.</summary>
    public void AssertHeldBy(GorseStore store)
    {
        var users = store.Users;
        Assert.Equal(Users.Keys.Order(StringComparer.Ordinal), users.Keys.Order(StringComparer.Ordinal));
        foreach (var (id, labels) in Users)
        {
            Assert.True(SameJson(labels, users[id].Labels), $"user {id}: labels {users[id].Labels?.ToJsonString()} instead of {labels.ToJsonString()}");
        }

        var items = store.Items;
        Assert.Equal(Items.Keys.Order(StringComparer.Ordinal), items.Keys.Order(StringComparer.Ordinal));
        foreach (var (id, expected) in Items)
        {
            var actual = items[id];
            Assert.Equal(expected.Categories, actual.Categories);
            Assert.Equal(expected.Timestamp, actual.Timestamp);
            Assert.Equal(expected.Comment, actual.Comment);
            Assert.False(actual.IsHidden);
            Assert.True(SameJson(expected.Labels, actual.Labels), $"item {id}: labels differ");
        }

        var feedback = store.Feedback;
        Assert.Equal(Feedback.Keys.Order(), feedback.Keys.Order());
        foreach (var (key, expected) in Feedback)
        {
            var actual = feedback[key];
            Assert.True(expected.Value == actual.Value, $"{key}: value {actual.Value} instead of {expected.Value}");
            Assert.Equal(expected.Timestamp, actual.Timestamp);
            AssertComment(expected, actual.Comment, key);
        }
    }

    /// <summary>A stored feedback's comment is the one push must write for its key.</summary>
    public static void AssertComment((double Value, DateTimeOffset Timestamp, SortedSet<string> RecTypes, List<DateTimeOffset> Times) expected, string stored, object key) =>
        Assert.True(Comment(expected.RecTypes, expected.Times) == Comment(stored), $"{key}: comment '{stored}' instead of '{Comment(expected.RecTypes, expected.Times)}'");

    /// <summary>
    /// A feedback's comment as push must write it (docs/gorse.md): the recommendation types, then, when the key has
    /// later events, ';' and their seconds after the first as "+N", comma-separated and ascending.
    /// </summary>
    private static string Comment(SortedSet<string> recTypes, List<DateTimeOffset> times)
    {
        var first = times.Min();
        var later = times.Select(t => (long)(t - first).TotalSeconds).Order().Skip(1).Select(s => $"+{s}");
        return times.Count == 1 ? string.Join(',', recTypes) : $"{string.Join(',', recTypes)};{string.Join(',', later)}";
    }

    /// <summary>A stored comment with its recommendation types in byte order (push writes them in order of first occurrence).</summary>
    private static string Comment(string stored)
    {
        int semicolon = stored.IndexOf(';', StringComparison.Ordinal);
        string types = string.Join(',', (semicolon < 0 ? stored : stored[..semicolon]).Split(',').Order(StringComparer.Ordinal));
        return semicolon < 0 ? types : types + stored[semicolon..];
    }

    public static bool SameJson(JsonNode? a, JsonNode? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        using var x = JsonDocument.Parse(a.ToJsonString());
        using var y = JsonDocument.Parse(b.ToJsonString());
        return JsonElement.DeepEquals(x.RootElement, y.RootElement);
    }

    private static DateTimeOffset Time(string text) =>
        DateTimeOffset.ParseExact(text, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <summary>Rows of a CSV file as column → field (RFC 4180 quoting; no field spans lines in these files).</summary>
    public static IEnumerable<Dictionary<string, string>> Csv(string path)
    {
        string[]? header = null;
        foreach (string line in File.ReadLines(path))
        {
            var fields = Split(line);
            if (header is null)
            {
                header = [.. fields];
                continue;
            }

            yield return header.Zip(fields).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
        }
    }

    private static List<string> Split(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }

    /// <summary>A float32 (rows, dims) .npy, version 1.</summary>
    private static float[][] Npy(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int headerLength = bytes[8] | (bytes[9] << 8);
        string header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.Contains("'<f4'", header, StringComparison.Ordinal);
        string shape = header[(header.IndexOf("'shape': (", StringComparison.Ordinal) + 10)..];
        int[] dims = [.. shape[..shape.IndexOf(')', StringComparison.Ordinal)].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse)];
        int offset = 10 + headerLength;
        return [.. Enumerable.Range(0, dims[0]).Select(r => Enumerable.Range(0, dims[1]).Select(c => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(offset + 4 * (r * dims[1] + c)))).ToArray())];
    }
}
