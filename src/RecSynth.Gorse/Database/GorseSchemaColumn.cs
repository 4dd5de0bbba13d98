namespace RecSynth.Gorse.Database;

/// <summary>One column of a Gorse table: its kind, whether it is NOT NULL, and its default as a SQL literal (null: none).</summary>
internal sealed record GorseSchemaColumn(string Name, GorseColumnKind Kind, bool NotNull, string? Default = null);
