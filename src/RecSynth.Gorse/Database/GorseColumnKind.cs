namespace RecSynth.Gorse.Database;

/// <summary>The kinds of column Gorse's tables use; <see cref="GorseSchema"/> spells each per dialect.</summary>
internal enum GorseColumnKind
{
    /// <summary>An id: <c>varchar(256)</c>, compared byte-wise (<c>COLLATE "C"</c>, <c>utf8mb4_bin</c>).</summary>
    Id,
    Bool,
    Json,
    Time,
    Text,
    Float,
}
