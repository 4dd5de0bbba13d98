using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using RecSynth.Files.Internals;

namespace RecSynth.Files;

/// <summary>
/// Joins the folders of a sharded run (<c>recsynth generate --shard k/n</c>, one folder per shard) into one dataset
/// that is byte for byte the dataset of the unsharded run: the catalogue and users (the same in every shard) are
/// copied, the behaviour tables merged in file order, and the manifest rebuilt. Every shard file is checked against
/// its shard's manifest while it is read; the output appears only when complete.
/// </summary>
public static class DatasetMerger
{
    private const int BlockBytes = 1 << 20;

    /// <summary>Merges the shard folders <paramref name="shards"/> (any order) into <paramref name="output"/>.</summary>
    /// <exception cref="DatasetUsageException">
    /// The folders are not the complete set of shards of one run, a shard file is malformed (named by file, line and
    /// column) or does not match its manifest, or the output folder is not empty (without force); nothing was left behind.
    /// </exception>
    /// <exception cref="IOException">Reading or writing failed; nothing was left behind.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing was left behind.</exception>
    public static DatasetManifest Merge(
        IReadOnlyList<string> shards, string output, bool force = false, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentNullException.ThrowIfNull(output);
        var parts = Inspect(shards);
        var first = parts[0].Manifest;
        string[] stages = [.. first.Stages.Keys];
        string[] files = [.. first.Files.Keys];
        var folder = OutputFolder.Prepare(output, stages, files, force);
        try
        {
            var manifest = new DatasetManifest { Version = first.Version, Format = first.Format };
            foreach (var (name, stage) in first.Stages)
            {
                manifest.Stages[name] = name == BehaviourStage.Name
                    ? stage with { Shard = null, Counts = Sum(parts.Select(p => p.Manifest.Stages[name].Counts)) }
                    : stage;
            }

            foreach (var (name, entry) in first.Files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (entry.Stage == BehaviourStage.Name && name.EndsWith(ParquetTables.Extension, StringComparison.Ordinal))
                {
                    continue; // written from the merged CSV below, as generate writes it
                }

                string target = Path.Combine(folder.Staging, name);
                var sources = parts.Select(p => new ShardFile(p.Folder, name, p.Manifest.Files[name])).ToArray();
                manifest.Files[name] = entry.Stage != BehaviourStage.Name
                    ? Copy(sources[0], target, cancellationToken)
                    : Concatenated(name, sources, target, progress, cancellationToken);
            }

            foreach (var (name, entry) in first.Files.Where(f => f.Value.Stage == BehaviourStage.Name && f.Key.EndsWith(ParquetTables.Extension, StringComparison.Ordinal)))
            {
                string csv = Path.ChangeExtension(name, ".csv");
                manifest.Files[name] = ParquetTables.Convert(Path.Combine(folder.Staging, csv), manifest.Files[csv].Rows, Path.Combine(folder.Staging, name), entry.Stage, progress, cancellationToken);
            }

            folder.Commit(files, [], manifest);
            return manifest;
        }
        catch
        {
            folder.Abort();
            throw;
        }
    }

    private sealed record Part(string Folder, DatasetManifest Manifest, DatasetShard Shard);

    private sealed record ShardFile(string Folder, string Name, ManifestFile Entry)
    {
        public string Path => System.IO.Path.Combine(Folder, Name);
    }

    /// <summary>Reads the shards' manifests and checks they are the n shards of one run; returns them by index.</summary>
    private static Part[] Inspect(IReadOnlyList<string> shards)
    {
        if (shards.Count == 0)
        {
            throw new DatasetUsageException("no shard folders given: name the folders that generate --shard k/n wrote");
        }

        var parts = new List<Part>();
        foreach (string folder in shards)
        {
            var manifest = DatasetManifest.ReadFolder(folder, "a shard that failed or is still running? Re-run it first");
            if (!manifest.Stages.TryGetValue(BehaviourStage.Name, out var behaviour) || behaviour.Shard is null
                || DatasetShard.TryParse(behaviour.Shard, out _) is not { } shard)
            {
                throw new DatasetUsageException($"{folder} is not a shard: its manifest has no sharded behaviour stage (write shards with generate --shard k/n)");
            }

            parts.Add(new Part(folder, manifest, shard));
        }

        int count = parts[0].Shard.Count;
        if (parts.FirstOrDefault(p => p.Shard.Count != count) is { } other)
        {
            throw new DatasetUsageException($"{other.Folder} is shard {other.Shard} but {parts[0].Folder} is shard {parts[0].Shard}: the shards of one run share their number");
        }

        if (parts.GroupBy(p => p.Shard.Index).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new DatasetUsageException($"shard {twice.First().Shard} is given twice ({string.Join(", ", twice.Select(p => p.Folder))})");
        }

        int[] missing = [.. Enumerable.Range(0, count).Except(parts.Select(p => p.Shard.Index))];
        if (missing.Length > 0)
        {
            throw new DatasetUsageException(string.Create(CultureInfo.InvariantCulture,
                $"shard{(missing.Length > 1 ? "s" : "")} {string.Join(", ", missing.Take(10).Select(i => $"{i}/{count}"))}{(missing.Length > 10 ? ", …" : "")} missing: a merge needs all {count} shards"));
        }

        var tables = parts[0].Manifest.Files;
        if (tables.Keys.FirstOrDefault(f => tables[f].Stage == BehaviourStage.Name && f.EndsWith(ParquetTables.Extension, StringComparison.Ordinal)
            && !tables.ContainsKey(Path.ChangeExtension(f, ".csv"))) is { } parquetOnly)
        {
            throw new DatasetUsageException($"{parts[0].Folder} has {parquetOnly} without its CSV: merge reads the CSV tables; write the shards with --format csv or --format csv,parquet (the merge then writes both)");
        }

        parts.Sort((a, b) => a.Shard.Index.CompareTo(b.Shard.Index));
        var reference = parts[0];
        foreach (var part in parts.Skip(1))
        {
            if (Mismatch(reference.Manifest, part.Manifest) is { } what)
            {
                throw new DatasetUsageException($"{part.Folder} and {reference.Folder} are not shards of one run: {what} differ");
            }
        }

        return [.. parts];
    }

    /// <summary>What differs between two shards' manifests beyond the shard and its counts, or null.</summary>
    private static string? Mismatch(DatasetManifest a, DatasetManifest b)
    {
        if (!a.Stages.Keys.SequenceEqual(b.Stages.Keys) || !a.Files.Keys.SequenceEqual(b.Files.Keys))
        {
            return "their stages or files";
        }

        foreach (var (name, stage) in a.Stages)
        {
            var theirs = b.Stages[name];
            if (stage.Seed != theirs.Seed || !JsonNode.DeepEquals(stage.Config, theirs.Config))
            {
                return $"the seed or config of the {name} stage";
            }
        }

        foreach (var (name, file) in a.Files.Where(f => f.Value.Stage != BehaviourStage.Name))
        {
            if (file != b.Files[name])
            {
                return name + " files";
            }
        }

        return a.Version != b.Version ? "the RecSynth versions" : null;
    }

    private static SortedDictionary<string, long> Sum(IEnumerable<SortedDictionary<string, long>> counts)
    {
        var total = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, value) in counts.SelectMany(c => c))
        {
            total[key] = total.GetValueOrDefault(key) + value;
        }

        return total;
    }

    /// <summary>Copies a file shared by every shard, checking it against the manifest.</summary>
    private static ManifestFile Copy(ShardFile source, string target, CancellationToken cancellationToken)
    {
        using (var input = new VerifiedStream(source))
        using (var copy = new FileStream(target, FileMode.CreateNew, FileAccess.Write))
        {
            input.CopyTo(copy);
            cancellationToken.ThrowIfCancellationRequested();
            input.Verify();
        }

        return source.Entry;
    }

    /// <summary>Merges a behaviour table of every shard by its file order (ground truth: by user, so shard after shard).</summary>
    /// <exception cref="DatasetUsageException">A shard's row is malformed (named by shard, file, line and column), or its header differs.</exception>
    private static ManifestFile Concatenated(string name, ShardFile[] sources, string target, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        Comparison<RowKey> order = name switch
        {
            BehaviourStage.Interactions => RowKey.CompareInteractions,
            BehaviourStage.Sessions => RowKey.CompareSessions,
            _ => (a, b) => a.Source.CompareTo(b.Source), // contiguous user ranges, in shard order
        };
        Func<DatasetTable, int, RowKey> key = name switch
        {
            BehaviourStage.Interactions => RowKey.OfInteraction,
            BehaviourStage.Sessions => RowKey.OfSession,
            _ => (_, source) => new RowKey(source),
        };
        string[] keyColumns = name switch
        {
            BehaviourStage.Interactions => RowKey.InteractionColumns,
            BehaviourStage.Sessions => RowKey.SessionColumns,
            _ => [],
        };

        long total = sources.Sum(s => s.Entry.Rows);
        var readers = new List<(VerifiedStream Stream, CsvTable Table)>();
        try
        {
            foreach (var source in sources)
            {
                var stream = new VerifiedStream(source);
                try
                {
                    readers.Add((stream, CsvTable.Open(stream, source.Path, keyColumns, unescape: false))); // rows are copied as written
                }
                catch (DatasetUsageException e)
                {
                    stream.Dispose();
                    throw InShard(source, e);
                }
            }

            string header = string.Join(',', readers[0].Table.Header);
            if (readers.FirstOrDefault(r => string.Join(',', r.Table.Header) != header) is { Stream: { } odd })
            {
                throw new DatasetUsageException($"{odd.File.Path}: its columns differ from {sources[0].Path}'s");
            }

            using var file = new StreamedFile(target, Encoding.UTF8.GetBytes(header + "\n"));
            var queue = new PriorityQueue<int, RowKey>(Comparer<RowKey>.Create(order));
            var rows = new char[sources.Length][];
            var lengths = new int[sources.Length];

            bool Advance(int s)
            {
                var table = readers[s].Table;
                try
                {
                    if (!table.MoveNext())
                    {
                        return false;
                    }

                    var text = table.RowText;
                    if (rows[s] is null || rows[s].Length < text.Length)
                    {
                        rows[s] = new char[Math.Max(256, text.Length * 2)];
                    }

                    text.CopyTo(rows[s]);
                    lengths[s] = text.Length;
                    queue.Enqueue(s, key(table, s));
                    return true;
                }
                catch (DatasetUsageException e)
                {
                    throw InShard(sources[s], e);
                }
            }

            for (int s = 0; s < sources.Length; s++)
            {
                Advance(s);
            }

            var block = new byte[BlockBytes];
            int used = 0, blockRows = 0;
            long written = 0;
            while (queue.TryDequeue(out int s, out _))
            {
                int bytes = Encoding.UTF8.GetByteCount(rows[s].AsSpan(0, lengths[s])) + 1;
                if (used + bytes > block.Length)
                {
                    file.Write(block.AsSpan(0, used), blockRows);
                    written += blockRows;
                    used = blockRows = 0;
                    cancellationToken.ThrowIfCancellationRequested();
                    progress?.Report(new GenerationProgress(name, written, total));
                    if (bytes > block.Length)
                    {
                        block = new byte[bytes];
                    }
                }

                used += Encoding.UTF8.GetBytes(rows[s].AsSpan(0, lengths[s]), block.AsSpan(used));
                block[used++] = (byte)'\n';
                blockRows++;
                Advance(s);
            }

            file.Write(block.AsSpan(0, used), blockRows);
            progress?.Report(new GenerationProgress(name, total, total));
            foreach (var (stream, _) in readers)
            {
                stream.Verify();
            }

            return file.Complete(BehaviourStage.Name);
        }
        finally
        {
            foreach (var (stream, table) in readers)
            {
                table.Dispose();
                stream.Dispose();
            }
        }
    }

    /// <summary>A problem in a shard's file, with the shard's folder in front (every shard has files of the same names).</summary>
    private static DatasetUsageException InShard(ShardFile file, DatasetUsageException problem) => new($"{file.Folder}: {problem.Message}", problem);

    /// <summary>A row's place in its file's order: the time, then numbers.</summary>
    private readonly record struct RowKey(int Source, long Time = 0, long Session = 0, long Position = 0, int Type = 0)
    {
        public static readonly string[] InteractionColumns = ["Timestamp", "SessionId", "Position", "FeedbackType"];

        public static readonly string[] SessionColumns = ["StartedAt", "SessionId"];

        public static RowKey OfInteraction(DatasetTable row, int source) => new(
            source, row.Time(0, "Timestamp").UtcTicks, row.Integer(1, "SessionId"), row.Integer(2, "Position"),
            row.Span(3) switch { "view" => 0, "like" => 1, "purchase" => 2, var other => throw row.Problem("FeedbackType", other, "is not view, like or purchase") });

        public static RowKey OfSession(DatasetTable row, int source) => new(source, row.Time(0, "StartedAt").UtcTicks, row.Integer(1, "SessionId"));

        public static int CompareInteractions(RowKey a, RowKey b)
        {
            int c = CompareSessions(a, b);
            if (c != 0)
            {
                return c;
            }

            c = a.Position.CompareTo(b.Position);
            return c != 0 ? c : a.Type.CompareTo(b.Type);
        }

        public static int CompareSessions(RowKey a, RowKey b)
        {
            int c = a.Time.CompareTo(b.Time);
            return c != 0 ? c : a.Session.CompareTo(b.Session);
        }
    }

    /// <summary>A shard file read front to back and hashed on the way, to be checked against its manifest entry at the end.</summary>
    private sealed class VerifiedStream(ShardFile file) : Stream
    {
        private readonly FileStream _inner = OpenShardFile(file.Path);
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _bytes;

        public ShardFile File { get; } = file;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => _inner.Length;

        public override long Position
        {
            get => _bytes;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = _inner.Read(buffer);
            _hash.AppendData(buffer[..n]);
            _bytes += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

        /// <summary>Reads what is left, then throws when the bytes are not those of the manifest.</summary>
        /// <exception cref="DatasetUsageException">The file was changed: named by its first malformed field when a reader finds one.</exception>
        public void Verify()
        {
            Span<byte> rest = stackalloc byte[4096];
            while (Read(rest) > 0)
            {
            }

            string sha = Convert.ToHexStringLower(_hash.GetHashAndReset());
            if (_bytes == File.Entry.Bytes && sha == File.Entry.Sha256)
            {
                return;
            }

            string mismatch = $"{File.Path} does not match its shard's manifest (SHA-256 {sha[..12]}…, expected {File.Entry.Sha256[..12]}…): it was changed or truncated after the shard was written; re-run that shard";
            throw FirstProblem(File) is { } problem ? new DatasetUsageException($"{File.Folder}: {problem.Message}; {mismatch}", problem) : new DatasetUsageException(mismatch);
        }

        /// <summary>The first malformed field of a changed table, read whole by its reader (ground_truth.csv has none).</summary>
        private static DatasetUsageException? FirstProblem(ShardFile file)
        {
            try
            {
                switch (file.Name)
                {
                    case DatasetReader.ProductsFile:
                        _ = DatasetReader.Products(file.Folder, CancellationToken.None).Count();
                        break;
                    case DatasetReader.UsersFile:
                        _ = DatasetReader.Users(file.Folder, CancellationToken.None).Count();
                        break;
                    case BehaviourStage.Interactions:
                        using (var interactions = InteractionsReader.Open(file.Folder))
                        {
                            while (interactions.Read())
                            {
                            }
                        }

                        break;
                    case BehaviourStage.Sessions:
                        using (var sessions = SessionsReader.Open(file.Folder))
                        {
                            while (sessions.Read())
                            {
                            }
                        }

                        break;
                }

                return null;
            }
            catch (DatasetUsageException e)
            {
                return e;
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }

        private static FileStream OpenShardFile(string path)
        {
            try
            {
                return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
            }
            catch (FileNotFoundException e)
            {
                throw new DatasetUsageException($"{path} is missing but listed in its shard's manifest; re-run that shard", e);
            }
        }
    }
}
