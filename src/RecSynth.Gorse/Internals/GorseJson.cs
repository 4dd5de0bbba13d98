using System.Text.Json.Serialization;

namespace RecSynth.Gorse.Internals;

/// <summary>The wire format: Go's field names (PascalCase) out, any letter case in, unknown fields ignored.</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<GorseUser>))]
[JsonSerializable(typeof(List<GorseItem>))]
[JsonSerializable(typeof(List<GorseFeedback>))]
[JsonSerializable(typeof(GorseUser))]
[JsonSerializable(typeof(GorseItem))]
[JsonSerializable(typeof(GorseFeedback))]
[JsonSerializable(typeof(List<GorseScore>))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(GorseHealth))]
[JsonSerializable(typeof(Success))]
[JsonSerializable(typeof(UsersPage))]
[JsonSerializable(typeof(ItemsPage))]
[JsonSerializable(typeof(FeedbackPage))]
internal sealed partial class GorseJson : JsonSerializerContext;

internal sealed record Success(long RowAffected);

internal sealed record UsersPage(string? Cursor, List<GorseUser>? Users);

internal sealed record ItemsPage(string? Cursor, List<GorseItem>? Items);

internal sealed record FeedbackPage(string? Cursor, List<GorseFeedback>? Feedback);
