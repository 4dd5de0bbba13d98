using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Numerics;
using System.Text.Encodings.Web;
using System.Text.Json;
using RecSynth.Behaviour;
using RecSynth.Catalog;
using RecSynth.Simulation;
using RecSynth.Users;

namespace RecSynth.Outside.Internals;

/// <summary>
/// Writes the protocol's messages (docs/outside-policies.md), field by field in the protocol's order, into one reused
/// buffer: a message is valid until the next one is written. No serializer and no reflection, so it trims and runs
/// under Native AOT; the names of the catalogue and the users are encoded once.
/// </summary>
internal sealed class MessageWriter : IDisposable
{
    // Readable names ("H&M", "Levi's") on the wire: the messages are never embedded in HTML, and the escaping of
    // control characters (so a message stays on one line) is the same as the default encoder's.
    private static readonly JavaScriptEncoder s_encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private static readonly JsonEncodedText s_type = Name("type"), s_requestId = Name("request_id"), s_protocol = Name("protocol"),
        s_mode = Name("mode"), s_arms = Name("arms"), s_slateSize = Name("slate_size"), s_step = Name("step"), s_start = Name("start"),
        s_end = Name("end"), s_seed = Name("seed"), s_dataset = Name("dataset"), s_from = Name("from"), s_to = Name("to"),
        s_sessions = Name("sessions"), s_sessionId = Name("session_id"), s_userId = Name("user_id"), s_time = Name("time"), s_user = Name("user"),
        s_ageGroup = Name("age_group"), s_primaryStyle = Name("primary_style"), s_priceSensitivity = Name("price_sensitivity"),
        s_sustainabilityFocus = Name("sustainability_focus"), s_stylePreferences = Name("style_preferences"), s_colors = Name("colors"),
        s_patterns = Name("patterns"), s_materials = Name("materials"), s_brands = Name("brands"), s_signedUpAt = Name("signed_up_at"),
        s_sessionsBefore = Name("sessions_before"), s_outcomes = Name("outcomes"), s_arm = Name("arm"), s_reward = Name("reward"),
        s_views = Name("views"), s_likes = Name("likes"), s_purchases = Name("purchases"), s_events = Name("events"), s_itemId = Name("item_id"),
        s_position = Name("position"), s_source = Name("source");

    private static readonly JsonEncodedText[] s_feedback = [Name("view"), Name("like"), Name("purchase")];
    private static readonly JsonEncodedText[] s_sources = [Name("cf"), Name("image"), Name("other")];

    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 16);
    private readonly Utf8JsonWriter _json;
    private readonly SimulationWorld _world;
    private readonly Arm[] _arms;
    private readonly JsonEncodedText[] _armNames;
    private readonly JsonEncodedText[] _ageGroups, _styles, _levels, _colors, _patterns, _materials, _brands;
    private readonly int _userIdWidth;

    // [user]: the text of the user's object up to sessions_before, made at the user's first session and kept (a few
    // hundred bytes a user: kept for the first KeptUsers users, made afresh each time beyond).
    private const int KeptUsers = 250_000;
    private readonly byte[]?[] _userPrefix;
    private readonly ArrayBufferWriter<byte> _userBuffer = new(512);
    private readonly Utf8JsonWriter _userJson;
    private byte[] _userValue = new byte[512];

    public MessageWriter(StepRun run)
    {
        // Well-formed by construction (every object and array closed where it is opened): the writer need not check.
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = s_encoder, SkipValidation = true });
        _world = run.World;
        _arms = [.. run.Arms];
        _armNames = [.. run.Arms.Select(a => Name(a.Name))];
        var options = _world.Options;
        var vocabulary = new CatalogVocabulary(options.Catalog);
        _ageGroups = [.. options.Users.AgeGroups.Select(a => Name(a.Name))];
        _styles = Names(vocabulary.Styles);
        _levels = Names(UserPopulation.Levels);
        _colors = Names(vocabulary.Colors);
        _patterns = Names(vocabulary.Patterns);
        _materials = Names(vocabulary.Materials);
        _brands = Names(vocabulary.Brands);
        _userIdWidth = _world.UserId(Math.Max(_world.UserCount - 1, 0)).Length - 1;
        _userPrefix = new byte[]?[Math.Min(_world.UserCount, KeptUsers)];
        _userJson = new Utf8JsonWriter(_userBuffer, new JsonWriterOptions { Encoder = s_encoder, SkipValidation = true });
    }

    public void Dispose()
    {
        _json.Dispose();
        _userJson.Dispose();
    }

    /// <summary>The protocol's text of a source (<c>cf</c>, <c>image</c>, <c>other</c>), indexed by <see cref="RecType"/>.</summary>
    public static IReadOnlyList<string> SourceNames { get; } = ["cf", "image", "other"];

    /// <summary><c>hello</c>: what the run is.</summary>
    public ReadOnlyMemory<byte> Hello(string requestId, StepRun run)
    {
        var json = Begin("hello", requestId, protocol: true);
        json.WriteString(s_mode, run.Mode == StepMode.Arm ? "arm" : "slate");
        json.WriteStartArray(s_arms);
        foreach (var name in _armNames)
        {
            json.WriteStringValue(name);
        }

        json.WriteEndArray();
        json.WriteNumber(s_slateSize, run.SlateSize);
        json.WriteString(s_step, run.Step == StepLength.Hour ? "hour" : "day");
        Time(s_start, run.Start);
        Time(s_end, run.End);
        json.WriteNumber(s_seed, run.Seed);
        if (run.Dataset is null)
        {
            json.WriteNull(s_dataset);
        }
        else
        {
            json.WriteString(s_dataset, Path.GetFullPath(run.Dataset));
        }

        return End();
    }

    /// <summary><c>choose</c>: the sessions of a step (or of one batch of it), in start order.</summary>
    public ReadOnlyMemory<byte> Choose(string requestId, PolicyStep step, ReadOnlySpan<PlannedSession> sessions)
    {
        var json = Begin("choose", requestId);
        json.WriteNumber(s_step, step.Index);
        Time(s_from, step.From);
        Time(s_to, step.To);
        json.WriteStartArray(s_sessions);
        foreach (ref readonly var session in sessions)
        {
            json.WriteStartObject();
            SessionId(session.SessionId);
            UserId(session.User);
            Time(s_time, session.Time);
            User(session.User, session.SessionsBefore);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        return End();
    }

    /// <summary>
    /// <c>outcomes</c>: the sessions of a step (or of one batch of it) with their events, <paramref name="events"/>[
    /// <paramref name="firstEvent"/>[i] .. <paramref name="firstEvent"/>[i + 1]) indexing the interactions of session i.
    /// </summary>
    public ReadOnlyMemory<byte> Outcomes(string requestId, PolicyStep step, ReadOnlySpan<SessionRecord> sessions,
        ReadOnlySpan<InteractionRecord> interactions, ReadOnlySpan<int> events, ReadOnlySpan<int> firstEvent)
    {
        var json = Begin("outcomes", requestId);
        json.WriteNumber(s_step, step.Index);
        json.WriteStartArray(s_outcomes);
        for (int i = 0; i < sessions.Length; i++)
        {
            ref readonly var session = ref sessions[i];
            json.WriteStartObject();
            SessionId(session.SessionId);
            UserId(session.User);
            ArmName(session.Arm);
            json.WriteNumber(s_reward, session.Reward);
            json.WriteNumber(s_views, session.Views);
            json.WriteNumber(s_likes, session.Likes);
            json.WriteNumber(s_purchases, session.Purchases);
            json.WriteStartArray(s_events);
            foreach (int e in events[firstEvent[i]..firstEvent[i + 1]])
            {
                ref readonly var interaction = ref interactions[e];
                json.WriteStartObject();
                json.WriteString(s_type, s_feedback[(int)interaction.Type]);
                ItemId(interaction.Item);
                json.WriteNumber(s_position, interaction.Position);
                json.WriteString(s_source, s_sources[(int)interaction.Source]);
                Time(s_time, interaction.Timestamp);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        return End();
    }

    /// <summary><c>end</c>.</summary>
    public ReadOnlyMemory<byte> End(string requestId)
    {
        Begin("end", requestId);
        return End();
    }

    /// <summary><c>2023-01-18T10:03:41Z</c>: the protocol's times, whole seconds in UTC.</summary>
    public static string FormatTime(long unixSeconds)
    {
        Span<byte> utf8 = stackalloc byte[24];
        int length = FormatTime(unixSeconds, utf8);
        return System.Text.Encoding.ASCII.GetString(utf8[..length]);
    }

    /// <summary>Every message's first fields: type, then (hello's protocol and) request_id, in the protocol's order.</summary>
    private Utf8JsonWriter Begin(string type, string requestId, bool protocol = false)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        _json.WriteString(s_type, type);
        if (protocol)
        {
            _json.WriteNumber(s_protocol, OutsidePolicy.Protocol);
        }

        _json.WriteString(s_requestId, requestId);
        return _json;
    }

    private ReadOnlyMemory<byte> End()
    {
        _json.WriteEndObject();
        _json.Flush();
        return _buffer.WrittenMemory;
    }

    private void User(int index, int sessionsBefore)
    {
        ReadOnlySpan<byte> prefix = index < _userPrefix.Length ? _userPrefix[index] ??= UserPrefix(index).ToArray() : UserPrefix(index);
        if (_userValue.Length < prefix.Length + 16)
        {
            _userValue = new byte[prefix.Length + 16];
        }

        prefix.CopyTo(_userValue);
        Utf8Formatter.TryFormat(sessionsBefore, _userValue.AsSpan(prefix.Length), out int digits);
        _userValue[prefix.Length + digits] = (byte)'}';
        _json.WritePropertyName(s_user);
        _json.WriteRawValue(_userValue.AsSpan(0, prefix.Length + digits + 1), skipInputValidation: true);
    }

    /// <summary>
    /// The user's object up to the value of its last field: the columns of users.csv in its order, less the hidden truth
    /// (cf_preference, preference_consistency, activity, drift_at, cf_preference_after), then <c>"sessions_before":</c>.
    /// </summary>
    private ReadOnlySpan<byte> UserPrefix(int index)
    {
        var user = _world.User(index);
        _userBuffer.ResetWrittenCount();
        _userJson.Reset(_userBuffer);
        _userJson.WriteStartObject();
        _userJson.WriteString(s_ageGroup, _ageGroups[user.AgeGroup]);
        _userJson.WriteString(s_primaryStyle, _styles[user.PrimaryStyle]);
        _userJson.WriteString(s_priceSensitivity, _levels[user.PriceSensitivity]);
        _userJson.WriteString(s_sustainabilityFocus, _levels[user.SustainabilityFocus]);
        _userJson.WriteStartObject(s_stylePreferences);
        List(s_colors, _colors, user.ColorMask);
        List(s_patterns, _patterns, user.PatternMask);
        List(s_materials, _materials, user.MaterialMask);
        List(s_brands, _brands, user.BrandMask);
        _userJson.WriteEndObject();
        Span<byte> utf8 = stackalloc byte[24];
        _userJson.WriteString(s_signedUpAt, utf8[..FormatTime(user.SignedUpAt, utf8)]);
        _userJson.WriteNumber(s_sessionsBefore, 0);
        _userJson.Flush();
        var written = _userBuffer.WrittenSpan;
        return written[..^1]; // without the 0: the value is written per session
    }

    private void List(JsonEncodedText property, JsonEncodedText[] names, uint mask)
    {
        _userJson.WriteStartArray(property);
        while (mask != 0)
        {
            _userJson.WriteStringValue(names[BitOperations.TrailingZeroCount(mask)]);
            mask &= mask - 1;
        }

        _userJson.WriteEndArray();
    }

    private void ArmName(Arm arm)
    {
        for (int a = 0; a < _arms.Length; a++)
        {
            if (_arms[a] == arm)
            {
                _json.WriteString(s_arm, _armNames[a]);
                return;
            }
        }

        // Slate mode: the served blend (the share of image products) need not be one of the run's arms.
        _json.WriteString(s_arm, arm.Name);
    }

    private void SessionId(long id)
    {
        Span<byte> utf8 = stackalloc byte[20];
        Utf8Formatter.TryFormat(id, utf8, out int length);
        _json.WriteString(s_sessionId, utf8[..length]);
    }

    private void UserId(int user)
    {
        Span<byte> utf8 = stackalloc byte[16];
        utf8[0] = (byte)'U';
        Utf8Formatter.TryFormat(user, utf8[1..], out int length, new StandardFormat('D', (byte)_userIdWidth));
        _json.WriteString(s_userId, utf8[..(1 + length)]);
    }

    private void ItemId(int item)
    {
        Span<byte> utf8 = stackalloc byte[16];
        "item_"u8.CopyTo(utf8);
        Utf8Formatter.TryFormat(item, utf8[5..], out int length);
        _json.WriteString(s_itemId, utf8[..(5 + length)]);
    }

    private void Time(JsonEncodedText property, long unixSeconds)
    {
        Span<byte> utf8 = stackalloc byte[24];
        _json.WriteString(property, utf8[..FormatTime(unixSeconds, utf8)]);
    }

    private static int FormatTime(long unixSeconds, Span<byte> utf8)
    {
        DateTime.UnixEpoch.AddSeconds(unixSeconds).TryFormat(utf8, out int length, "s", CultureInfo.InvariantCulture);
        utf8[length] = (byte)'Z';
        return length + 1;
    }

    private static JsonEncodedText Name(string text) => JsonEncodedText.Encode(text, s_encoder);

    private static JsonEncodedText[] Names(IEnumerable<string> texts) => [.. texts.Select(Name)];
}
