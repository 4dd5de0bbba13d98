using System.Collections.Immutable;

namespace RecSynth.Gorse.Database;

/// <summary>One of Gorse's tables, named without the <c>table_prefix</c>: its columns in order, primary key and indexes (name, column).</summary>
internal sealed record GorseSchemaTable(
    string Name,
    ImmutableArray<GorseSchemaColumn> Columns,
    ImmutableArray<string> PrimaryKey,
    ImmutableArray<(string Name, string Column)> Indexes);
