using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RecSynth.Behaviour;
using RecSynth.Simulation;

namespace RecSynth.Outside.Internals;

/// <summary>
/// Reads the outside policy's answers and holds them to the protocol's rules (docs/outside-policies.md): a problem stops
/// the run with an <see cref="OutsidePolicyException"/> naming the step, and the session and field to blame.
/// </summary>
internal sealed class AnswerReader
{
    /// <summary>How much of an answer a problem quotes.</summary>
    private const int PreviewLength = 200;

    private readonly SimulationWorld _world;
    private readonly StepMode _mode;
    private readonly int _slateSize;
    private readonly Arm[] _arms;
    private readonly byte[][] _armNames; // UTF-8, as the answers spell them
    private readonly string _armList;
    private readonly Dictionary<long, int> _sessionIndex = [];
    private int[] _seenAt = [];

    public AnswerReader(StepRun run)
    {
        _world = run.World;
        _mode = run.Mode;
        _slateSize = run.SlateSize;
        _arms = [.. run.Arms];
        _armNames = [.. run.Arms.Select(a => Encoding.UTF8.GetBytes(a.Name))];
        _armList = string.Join(", ", run.Arms.Select(a => a.Name));
    }

    /// <summary>
    /// The answer as a JSON object; an answer that is not one, or that is <c>{"error":…}</c>, stops the run. The caller
    /// disposes the document.
    /// </summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> answer, MessageLabel label)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(answer);
        }
        catch (JsonException e)
        {
            throw label.Problem($"the answer to {label.Type} is not JSON ({e.Message}): {Preview(answer.Span)}", e);
        }

        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw label.Problem($"the answer to {label.Type} is not a JSON object: {Preview(answer.Span)}");
        }

        if (root.TryGetProperty("error", out var error))
        {
            string text = error.ValueKind == JsonValueKind.String ? error.GetString()! : error.GetRawText();
            document.Dispose();
            throw label.Problem($"the policy answered {label.Type} with an error: {Trim(text)}");
        }

        return document;
    }

    /// <summary>The name in the answer to <c>hello</c>.</summary>
    public static string Name(JsonElement answer)
    {
        return answer.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } text
            ? text
            : throw MessageLabel.Hello.Problem($"the answer has no name (a non-empty string, e.g. {{\"name\":\"my-policy\"}}): {Preview(answer)}");
    }

    /// <summary>Fills <paramref name="choices"/>[i] for <paramref name="sessions"/>[i] from the answer to a <c>choose</c> that listed them.</summary>
    public void Choices(JsonElement answer, MessageLabel label, ReadOnlySpan<PlannedSession> sessions, Span<StepChoice> choices)
    {
        string list = _mode == StepMode.Arm ? "choices" : "slates";
        if (!answer.TryGetProperty(list, out var entries) || entries.ValueKind != JsonValueKind.Array)
        {
            throw label.Problem($"the answer to choose has no \"{list}\" array: {Preview(answer)}");
        }

        _sessionIndex.Clear();
        for (int i = 0; i < sessions.Length; i++)
        {
            _sessionIndex.TryAdd(sessions[i].SessionId, i);
        }

        if (_seenAt.Length < sessions.Length)
        {
            _seenAt = new int[sessions.Length];
        }

        _seenAt.AsSpan(0, sessions.Length).Fill(-1);
        int k = 0;
        foreach (var entry in entries.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object)
            {
                throw label.Problem($"{list}[{k}] is not an object: {Preview(entry)}");
            }

            if (!entry.TryGetProperty("session_id", out var id) || id.ValueKind != JsonValueKind.String)
            {
                throw label.Problem($"{list}[{k}].session_id is missing (the session's id as a string, e.g. \"{(sessions.IsEmpty ? 780000017 : sessions[0].SessionId)}\")");
            }

            string idText = id.GetString()!;
            if (!TryParseId(idText, out long sessionId) || !_sessionIndex.TryGetValue(sessionId, out int i))
            {
                throw label.Problem(TryParseId(idText, out _) ? idText : Quote(idText), $"not a session of this request ({list}[{k}].session_id)");
            }

            if (_seenAt[i] >= 0)
            {
                throw label.Problem(idText, $"answered twice ({list}[{_seenAt[i]}] and {list}[{k}])");
            }

            _seenAt[i] = k;
            choices[i] = _mode == StepMode.Arm ? ArmChoice(entry, label, idText) : SlateChoice(entry, label, idText, sessions[i].Time);
            k++;
        }

        for (int i = 0; i < sessions.Length; i++)
        {
            if (_seenAt[i] < 0)
            {
                throw label.Problem(sessions[i].SessionId, $"missing from {list} (the answer holds {k} of the request's {sessions.Length} sessions; it must hold each exactly once)");
            }
        }
    }

    private StepChoice ArmChoice(JsonElement entry, MessageLabel label, string session)
    {
        var arm = ReadArm(entry, label, session, required: true)!.Value;
        return new StepChoice(arm, ReadPropensity(entry, label, session, required: true)!.Value);
    }

    private StepChoice SlateChoice(JsonElement entry, MessageLabel label, string session, long time)
    {
        if (!entry.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            throw label.Problem(session, $"items is missing (an array of 1 to {_slateSize} products, e.g. [{{\"item_id\":\"item_42\",\"source\":\"cf\"}}])");
        }

        int count = items.GetArrayLength();
        if (count == 0 || count > _slateSize)
        {
            throw label.Problem(session, $"items holds {count} products; a slate holds 1 to {_slateSize} (slate_size)");
        }

        var slate = ImmutableArray.CreateBuilder<SlateEntry>(count);
        int j = 0;
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw label.Problem(session, $"items[{j}] is not an object: {Preview(item)}");
            }

            if (!item.TryGetProperty("item_id", out var id) || id.ValueKind != JsonValueKind.String)
            {
                throw label.Problem(session, $"items[{j}].item_id is missing (a product's id as a string, e.g. \"item_42\")");
            }

            string idText = id.GetString()!;
            int index = ItemIndex(idText);
            if (index < 0)
            {
                throw label.Problem(session, $"items[{j}].item_id {Quote(idText)} is not a product of the catalogue (item_0 to item_{_world.ItemCount - 1})");
            }

            long listedAt = _world.Item(index).ListedAt;
            if (listedAt > time)
            {
                throw label.Problem(session,
                    $"items[{j}].item_id {Quote(idText)} is listed at {MessageWriter.FormatTime(listedAt)}, after the session starts ({MessageWriter.FormatTime(time)})");
            }

            for (int m = 0; m < j; m++)
            {
                if (slate[m].Item == index)
                {
                    throw label.Problem(session, $"items[{j}].item_id {Quote(idText)} is already items[{m}] (a slate's products are distinct)");
                }
            }

            slate.Add(new SlateEntry(index, ReadSource(item, label, session, j)));
            j++;
        }

        var arm = ReadArm(entry, label, session, required: false);
        double? propensity = ReadPropensity(entry, label, session, required: false);

        // Without an arm, a propensity has nothing to belong to; an arm without one was chosen for certain.
        return new StepChoice(arm, arm is null ? 1 : propensity ?? 1, slate.MoveToImmutable());
    }

    private static RecType ReadSource(JsonElement item, MessageLabel label, string session, int j)
    {
        if (!item.TryGetProperty("source", out var source) || source.ValueKind == JsonValueKind.Null)
        {
            throw label.Problem(session, $"items[{j}].source is missing (one of {string.Join(", ", MessageWriter.SourceNames)})");
        }

        if (source.ValueKind == JsonValueKind.String)
        {
            for (int s = 0; s < MessageWriter.SourceNames.Count; s++)
            {
                if (source.ValueEquals(MessageWriter.SourceNames[s]))
                {
                    return (RecType)s;
                }
            }
        }

        throw label.Problem(session, $"items[{j}].source {Shown(source)} is not one of {string.Join(", ", MessageWriter.SourceNames)}");
    }

    private Arm? ReadArm(JsonElement entry, MessageLabel label, string session, bool required)
    {
        if (!entry.TryGetProperty("arm", out var arm) || (!required && arm.ValueKind == JsonValueKind.Null))
        {
            return required ? throw label.Problem(session, $"arm is missing (one of {_armList})") : null;
        }

        if (arm.ValueKind == JsonValueKind.String)
        {
            for (int a = 0; a < _arms.Length; a++)
            {
                if (arm.ValueEquals(_armNames[a]))
                {
                    return _arms[a];
                }
            }
        }

        throw label.Problem(session, $"arm {Shown(arm)} is not one of {_armList}");
    }

    private static double? ReadPropensity(JsonElement entry, MessageLabel label, string session, bool required)
    {
        if (!entry.TryGetProperty("propensity", out var propensity) || (!required && propensity.ValueKind == JsonValueKind.Null))
        {
            return required ? throw label.Problem(session, "propensity is missing (the probability of the choice, a number in (0, 1])") : null;
        }

        if (propensity.ValueKind != JsonValueKind.Number)
        {
            throw label.Problem(session, $"propensity {Shown(propensity)} is not a number in (0, 1]");
        }

        return propensity.TryGetDouble(out double p) && double.IsFinite(p) && p > 0 && p <= 1
            ? p
            : throw label.Problem(session, $"propensity {propensity.GetRawText()} is not in (0, 1]");
    }

    /// <summary>A product's index from its id, <c>item_42</c> exactly as the catalogue writes it; -1 when it is none.</summary>
    private int ItemIndex(string id)
    {
        const string Prefix = "item_";
        return id.StartsWith(Prefix, StringComparison.Ordinal) && TryParseCanonical(id.AsSpan(Prefix.Length), out long index) && index < _world.ItemCount
            ? (int)index
            : -1;
    }

    private static bool TryParseId(string text, out long id) => TryParseCanonical(text, out id);

    /// <summary>Digits as RecSynth writes a number: no sign, no blanks, no leading zero.</summary>
    private static bool TryParseCanonical(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        return text.Length > 0 && (text[0] != '0' || text.Length == 1)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A value as a problem shows it: a string in quotes, anything else as its JSON.</summary>
    private static string Shown(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? Quote(value.GetString()!) : Trim(value.GetRawText());

    private static string Quote(string text) => "\"" + Trim(text) + "\"";

    private static string Preview(JsonElement value) => Trim(value.GetRawText());

    private static string Preview(ReadOnlySpan<byte> answer) => answer.IsEmpty ? "(an empty line)" : Trim(Encoding.UTF8.GetString(answer[..Math.Min(answer.Length, 4 * PreviewLength)]));

    internal static string Trim(string text)
    {
        text = text.Trim();
        return text.Length <= PreviewLength ? text : string.Concat(text.AsSpan(0, PreviewLength), "…");
    }
}
