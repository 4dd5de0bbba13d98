using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RecSynth.Examples.OutsidePolicy;

/// <summary>
/// One run's messages, each answered in turn. JSON through JsonDocument and Utf8JsonWriter only (no reflection-based
/// serialization), so the program can be published with Native AOT.
/// </summary>
internal sealed class Conversation(PolicyFactory factory)
{
    // Escapes only what JSON requires (the default also escapes quotes and non-ASCII letters, for HTML's sake).
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly ArrayBufferWriter<byte> _answer = new(1 << 16);
    private ArmPolicy? _policy;
    private Dictionary<string, int> _armIndex = [];
    private JsonEncodedText[] _armNames = [];

    private string Name => $"csharp-{factory.Name}";

    /// <summary>The answer to one message (a line without its newline), as UTF-8 JSON on one line.</summary>
    public ReadOnlySpan<byte> Answer(ReadOnlyMemory<byte> message)
    {
        _answer.ResetWrittenCount();
        string? type = null;
        string? peeked = PeekType(message.Span);
        if (_policy is { Learns: false } && peeked == "outcomes")
        {
            "{}"u8.CopyTo(_answer.GetSpan(2)); // nothing to learn: the outcomes need not be read
            _answer.Advance(2);
            return _answer.WrittenSpan;
        }

        if (_policy is not null && peeked == "choose" && ChooseScanning(message.Span))
        {
            return _answer.WrittenSpan;
        }

        try
        {
            using var document = JsonDocument.Parse(message);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ProtocolException("a message must be a JSON object");
            }

            type = String(root, "type");
            if (type is not ("hello" or "choose" or "outcomes" or "end"))
            {
                throw new ProtocolException($"unknown message type \"{type}\"");
            }

            using var writer = new Utf8JsonWriter(_answer, s_writerOptions);
            writer.WriteStartObject();
            switch (type)
            {
                case "hello":
                    Hello(root);
                    writer.WriteString("name", Name);
                    break;
                case "choose":
                    Choose(root, writer);
                    break;
                case "outcomes":
                    Outcomes(root);
                    break;
                default:
                    break; // end
            }

            writer.WriteEndObject();
        }
        catch (JsonException e)
        {
            Error($"bad JSON: {e.Message}");
        }
        catch (ProtocolException e)
        {
            Error(type is null or not ("hello" or "choose" or "outcomes" or "end") ? e.Message : $"{type} message: {e.Message}");
        }

        return _answer.WrittenSpan;
    }

    /// <summary>A message's type from its first field (the protocol writes type first), without parsing the rest; null if it is not there.</summary>
    private static string? PeekType(ReadOnlySpan<byte> message)
    {
        var reader = new Utf8JsonReader(message);
        try
        {
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject
                && reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("type"u8)
                && reader.Read() && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        }
        catch (JsonException)
        {
            return null; // parsed in full, and answered with the error
        }
    }

    /// <summary>
    /// A choose message's session and user ids, found by scanning instead of parsing: the policies here need nothing
    /// else, so the users' attributes (most of the message) are never read. Safe because RecSynth writes compact JSON
    /// and ids are plain text (digits, a letter), and because inside a JSON string a quote is always escaped: the bytes
    /// <c>"session_id":"</c> can only start a session's field. Returns false to fall back on the full parse (which
    /// names what is wrong).
    /// </summary>
    private bool ChooseScanning(ReadOnlySpan<byte> message)
    {
        var policy = _policy!;
        using var writer = new Utf8JsonWriter(_answer, s_writerOptions);
        writer.WriteStartObject();
        writer.WriteStartArray("choices");
        int at = 0, sessions = 0;
        while (Field(message, "\"session_id\":\""u8, ref at) is { } sessionId)
        {
            if (Field(message, "\"user_id\":\""u8, ref at) is not { } userId)
            {
                return Abandon();
            }

            int arm = policy.Choose(userId, sessionId, out double propensity);
            writer.WriteStartObject();
            writer.WriteString("session_id", sessionId);
            writer.WriteString("arm", _armNames[arm]);
            writer.WriteNumber("propensity", propensity);
            writer.WriteEndObject();
            sessions++;
        }

        if (sessions == 0 && message.IndexOf("\"sessions\":[]"u8) < 0)
        {
            return Abandon(); // not the compact form: parse it in full
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        return true;

        bool Abandon()
        {
            writer.Reset();
            _answer.ResetWrittenCount();
            return false;
        }
    }

    /// <summary>The text of the next field <paramref name="key"/> (its name, colon and opening quote) from <paramref name="at"/> on; null when there is none.</summary>
    private static string? Field(ReadOnlySpan<byte> message, ReadOnlySpan<byte> key, ref int at)
    {
        int found = message[at..].IndexOf(key);
        if (found < 0)
        {
            return null;
        }

        int start = at + found + key.Length;
        int length = message[start..].IndexOf((byte)'"');
        if (length < 0)
        {
            return null;
        }

        at = start + length + 1;
        return System.Text.Encoding.UTF8.GetString(message.Slice(start, length));
    }

    private void Hello(JsonElement hello)
    {
        _policy = null;
        if (!hello.TryGetProperty("protocol", out var protocol) || protocol.ValueKind != JsonValueKind.Number || protocol.GetDouble() != 1)
        {
            throw new ProtocolException($"{Name} speaks protocol 1, not {(protocol.ValueKind == JsonValueKind.Undefined ? "none" : protocol.GetRawText())}");
        }

        if (String(hello, "mode") != "arm")
        {
            throw new ProtocolException($"{Name} chooses arms (--policy); it cannot fill slates (mode \"{String(hello, "mode")}\")");
        }

        var arms = Property(hello, "arms");
        if (arms.ValueKind != JsonValueKind.Array || arms.GetArrayLength() == 0 || arms.EnumerateArray().Any(arm => arm.ValueKind != JsonValueKind.String))
        {
            throw new ProtocolException("field \"arms\" must be a non-empty list of names");
        }

        var names = arms.EnumerateArray().Select(arm => arm.GetString()!).ToList();
        var seed = Property(hello, "seed");
        ulong seedValue = seed.ValueKind != JsonValueKind.Number ? throw new ProtocolException("field \"seed\" must be an integer")
            : seed.TryGetUInt64(out ulong unsigned) ? unsigned
            : seed.TryGetInt64(out long signed) ? (ulong)signed
            : throw new ProtocolException("field \"seed\" must be an integer");
        _armIndex = [];
        foreach (string name in names)
        {
            if (!_armIndex.TryAdd(name, _armIndex.Count))
            {
                throw new ProtocolException($"arm \"{name}\" is listed twice");
            }
        }

        _armNames = [.. names.Select(arm => JsonEncodedText.Encode(arm, s_writerOptions.Encoder))];
        _policy = factory.Create(names, seedValue);
    }

    private void Choose(JsonElement choose, Utf8JsonWriter writer)
    {
        var policy = _policy ?? throw new ProtocolException("no hello yet");
        writer.WriteStartArray("choices");
        foreach (var session in Array(choose, "sessions"))
        {
            string sessionId = String(session, "session_id");
            int arm = policy.Choose(String(session, "user_id"), sessionId, out double propensity);
            writer.WriteStartObject();
            writer.WriteString("session_id", sessionId);
            writer.WriteString("arm", _armNames[arm]);
            writer.WriteNumber("propensity", propensity);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private void Outcomes(JsonElement outcomes)
    {
        var policy = _policy ?? throw new ProtocolException("no hello yet");
        foreach (var outcome in Array(outcomes, "outcomes"))
        {
            string arm = String(outcome, "arm");
            if (!_armIndex.TryGetValue(arm, out int index))
            {
                throw new ProtocolException($"session {String(outcome, "session_id")}: arm \"{arm}\" is not one of {string.Join(", ", _armIndex.Keys)}");
            }

            var reward = Property(outcome, "reward");
            if (reward.ValueKind != JsonValueKind.Number || !reward.TryGetInt32(out int value) || value is not (0 or 1))
            {
                throw new ProtocolException($"session {String(outcome, "session_id")}: reward {reward.GetRawText()} is not 0 or 1");
            }

            policy.Learn(String(outcome, "user_id"), index, value);
        }
    }

    private void Error(string text)
    {
        Console.Error.WriteLine($"{Name}: {text}");
        _answer.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_answer, s_writerOptions);
        writer.WriteStartObject();
        writer.WriteString("error", text);
        writer.WriteEndObject();
    }

    private static JsonElement Property(JsonElement message, string name) =>
        message.ValueKind == JsonValueKind.Object && message.TryGetProperty(name, out var value) ? value
            : throw new ProtocolException($"missing field \"{name}\"");

    private static string String(JsonElement message, string name)
    {
        var value = Property(message, name);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new ProtocolException($"field \"{name}\" must be a string, not {value.GetRawText()}");
    }

    private static JsonElement.ArrayEnumerator Array(JsonElement message, string name)
    {
        var value = Property(message, name);
        return value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : throw new ProtocolException($"field \"{name}\" must be an array");
    }
}
