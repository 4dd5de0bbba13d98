using System.Globalization;

namespace RecSynth.Files.Internals;

/// <summary>
/// A behaviour table written in shards' parts (<c>interactions/part-00000.parquet</c>, …; docs/sharding.md), read as
/// one table: part after part in shard order, each from its CSV file or, where a part has only that, its Parquet form.
/// Messages name the part's file (e.g. <c>interactions/part-00001.csv line 12</c>).
/// </summary>
internal sealed class PartsTable : DatasetTable
{
    private readonly IReadOnlyList<string> _parts;
    private readonly IReadOnlyList<string> _columns;
    private int _next;
    private DatasetTable? _current;

    public PartsTable(IReadOnlyList<string> parts, IReadOnlyList<string> columns)
        : base(parts[0])
    {
        _parts = parts;
        _columns = columns;
        _current = Open(0);
    }

    public override string Name => _current is null ? base.Name : Relative(_current.Path);

    protected override string LineWord => _current is ParquetTable ? "row" : "line";

    /// <summary>
    /// The files of the table's parts in shard order, when the folder holds parts (their manifests in
    /// <c>shards/</c>); null when it holds none.
    /// </summary>
    /// <exception cref="DatasetUsageException">A part is missing: a shard has not finished, or failed.</exception>
    public static string[]? Parts(string directory, string csvFile)
    {
        string manifests = System.IO.Path.Combine(directory, ShardParts.ManifestFolder);
        if (!ShardParts.Tables.Contains(csvFile) || !Directory.Exists(manifests))
        {
            return null;
        }

        var shards = new SortedDictionary<int, DatasetShard>();
        foreach (string path in Directory.GetFiles(manifests, "part-*.json"))
        {
            DatasetManifest manifest;
            try
            {
                manifest = DatasetManifest.Read(path);
            }
            catch (InvalidDataException e)
            {
                throw new DatasetUsageException(e.Message, e);
            }

            if (manifest.Stages.GetValueOrDefault(BehaviourStage.Name)?.Shard is not { } text || DatasetShard.TryParse(text, out _) is not { } shard)
            {
                throw new DatasetUsageException($"{path} is not the manifest of a shard's part");
            }

            shards[shard.Index] = shard;
        }

        if (shards.Count == 0)
        {
            return null;
        }

        int count = shards.Values.First().Count;
        if (shards.Values.Any(s => s.Count != count))
        {
            throw new DatasetUsageException($"{manifests} holds the parts of runs in different numbers of shards ({string.Join(", ", shards.Values.Select(s => s.ToString()))}); they do not make one dataset");
        }

        int[] missing = [.. Enumerable.Range(0, count).Where(k => !shards.ContainsKey(k))];
        if (missing.Length > 0)
        {
            throw new DatasetUsageException(string.Create(
                CultureInfo.InvariantCulture,
                $"{directory} holds {shards.Count} of the {count} parts of its behaviour; part{(missing.Length > 1 ? "s" : "")} {string.Join(", ", missing.Take(10))}{(missing.Length > 10 ? ", …" : "")} "
                + $"{(missing.Length > 1 ? "are" : "is")} missing (no {ShardParts.ManifestPath(missing[0])}): a shard has not finished, or failed; run it (--shard {missing[0]}/{count})"));
        }

        var files = new string[count];
        for (int k = 0; k < count; k++)
        {
            string csv = System.IO.Path.Combine(directory, ShardParts.PartPath(csvFile, k));
            string parquet = System.IO.Path.Combine(directory, ShardParts.PartPath(ParquetTables.ParquetName(csvFile), k));
            files[k] = File.Exists(csv) ? csv
                : File.Exists(parquet) ? parquet
                : throw new DatasetUsageException($"{csv} does not exist (nor its Parquet form), though {ShardParts.ManifestPath(k)} lists part {k}: regenerate the part (--shard {k}/{count} --force)");
        }

        return files;
    }

    public override bool MoveNext()
    {
        while (_current is not null)
        {
            if (_current.MoveNext())
            {
                Line = _current.Line;
                return true;
            }

            _current.Dispose();
            _current = _next < _parts.Count ? Open(_next) : null;
        }

        return false;
    }

    public override ReadOnlySpan<char> Span(int column) => _current!.Span(column);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _current?.Dispose();
            _current = null;
        }
    }

    private DatasetTable Open(int part)
    {
        _next = part + 1;
        Line = 0;
        return OpenFile(_parts[part], _columns);
    }

    /// <summary>The part's path from the dataset folder: the table's folder and the file.</summary>
    private static string Relative(string path) =>
        $"{System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(path))}/{System.IO.Path.GetFileName(path)}";
}
