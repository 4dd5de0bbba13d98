using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using RecSynth.Files;

namespace RecSynth.Gorse.Internals;

/// <summary>
/// The batches Gorse acknowledged, per table, in <c>DIR/gorse-push.checkpoint.json</c>: rewritten (temporary file,
/// then rename) after every acknowledgement, so a crash or kill -9 loses at most the batches in flight.
/// </summary>
internal sealed class PushCheckpoint
{
    public const string FileName = "gorse-push.checkpoint.json";
    private readonly string _path;
    private readonly State _state;
    private readonly Dictionary<string, Acknowledged> _done = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    private PushCheckpoint(string path, State state, IReadOnlyDictionary<string, int> batches)
    {
        _path = path;
        _state = state;
        foreach (var (table, count) in batches)
        {
            var done = new bool[count];
            if (state.Acknowledged.TryGetValue(table, out string? ranges))
            {
                foreach (int batch in ParseRanges(ranges, count))
                {
                    done[batch] = true;
                }
            }

            _done[table] = new Acknowledged(done);
        }
    }

    public string Path => _path;

    /// <summary>A fresh checkpoint, or with <paramref name="resume"/> the one in the folder if it was written for the same push.</summary>
    public static PushCheckpoint Open(GorseDataset dataset, string endpoint, int batchSize, IReadOnlyDictionary<string, int> batches, bool resume)
    {
        string path = System.IO.Path.Combine(dataset.Directory, FileName);
        var fresh = Describe(dataset, endpoint, batchSize);
        if (!resume || !File.Exists(path))
        {
            return new PushCheckpoint(path, fresh, batches);
        }

        State? saved;
        try
        {
            saved = JsonSerializer.Deserialize(File.ReadAllBytes(path), CheckpointJson.Default.State);
        }
        catch (JsonException e)
        {
            throw new DatasetUsageException($"{path} is not a push checkpoint ({e.Message}); delete it or push without --resume", e);
        }

        if (saved is null)
        {
            throw new DatasetUsageException($"{path} is not a push checkpoint (it is empty); delete it or push without --resume");
        }

        if (saved.Fingerprint != fresh.Fingerprint)
        {
            throw new DatasetUsageException(Mismatch(path, saved, fresh));
        }

        return new PushCheckpoint(path, saved, batches);
    }

    public bool IsDone(string table, int batch) => _done[table].IsDone(batch);

    /// <summary>Records an acknowledged batch and rewrites the file before returning.</summary>
    public void Acknowledge(string table, int batch)
    {
        lock (_lock)
        {
            _done[table].Add(batch);
            Save();
        }
    }

    public void Save()
    {
        lock (_lock)
        {
            foreach (var (table, done) in _done)
            {
                _state.Acknowledged[table] = done.Format();
            }

            string temporary = _path + ".tmp";
            File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(_state, CheckpointJson.Default.State));
            File.Move(temporary, _path, overwrite: true);
        }
    }

    /// <summary>
    /// This push: the sizes and times of the files read, the label options, the batch size and the server, and their
    /// fingerprint (any change means other batches).
    /// </summary>
    internal static State Describe(GorseDataset dataset, string endpoint, int batchSize)
    {
        var state = new State
        {
            Endpoint = endpoint,
            BatchSize = batchSize,
            WithEmbeddings = dataset.Options.WithEmbeddings,
            WithGroundTruth = dataset.Options.WithGroundTruth,
            Files = new(StringComparer.Ordinal),
        };
        var text = new StringBuilder();
        foreach (string file in GorseDataset.RequiredFiles(dataset.Options))
        {
            var info = new FileInfo(System.IO.Path.Combine(dataset.Directory, file));
            state.Files[file] = new FileStamp { Bytes = info.Length, Modified = info.LastWriteTimeUtc };
            text.Append(CultureInfo.InvariantCulture, $"{file}:{info.Length}:{info.LastWriteTimeUtc.Ticks};");
        }

        text.Append(CultureInfo.InvariantCulture, $"{dataset.Options.WithEmbeddings};{dataset.Options.WithGroundTruth};{batchSize};{endpoint}");
        state.Fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
        return state;
    }

    /// <summary>Why a checkpoint is not this push's, naming each option that differs and the value to pass, or the file that changed.</summary>
    internal static string Mismatch(string path, State made, State now)
    {
        var differences = new List<string>();
        var pass = new List<string>();
        var leaveOut = new List<string>();
        if (made.BatchSize != now.BatchSize)
        {
            differences.Add(string.Create(CultureInfo.InvariantCulture, $"the checkpoint was made with --batch-size {made.BatchSize}; this run has --batch-size {now.BatchSize}"));
            pass.Add(string.Create(CultureInfo.InvariantCulture, $"--batch-size {made.BatchSize}"));
        }

        if (made.Endpoint != now.Endpoint)
        {
            differences.Add($"the checkpoint was made with --url {made.Endpoint}; this run has --url {now.Endpoint}");
            pass.Add($"--url {made.Endpoint}");
        }

        void Flag(string option, bool? then, bool? current)
        {
            if (then is { } was && current is { } @is && was != @is)
            {
                differences.Add(was ? $"the checkpoint was made with {option}; this run has not" : $"the checkpoint was made without {option}; this run has it");
                (was ? pass : leaveOut).Add(option);
            }
        }

        Flag("--with-embeddings", made.WithEmbeddings, now.WithEmbeddings);
        Flag("--with-ground-truth", made.WithGroundTruth, now.WithGroundTruth);
        bool filesChanged = false;
        foreach (var (file, stamp) in now.Files ?? [])
        {
            if (made.Files is not null && made.Files.TryGetValue(file, out var then) && (then.Bytes != stamp.Bytes || then.Modified != stamp.Modified))
            {
                differences.Add($"{file} has changed since the checkpoint was made (then {Describe(then)}, now {Describe(stamp)}), so its batches may hold other rows");
                filesChanged = true;
            }
        }

        if (differences.Count == 0)
        {
            // A checkpoint of an older RecSynth records only the fingerprint, the server and the batch size.
            differences.Add("the checkpoint was made from other files or label options (--with-embeddings, --with-ground-truth) than this run's");
            filesChanged = true;
        }

        var fixes = new List<string>();
        if (!filesChanged && pass.Count > 0)
        {
            fixes.Add("pass " + string.Join(' ', pass));
        }

        if (!filesChanged && leaveOut.Count > 0)
        {
            fixes.Add("leave out " + string.Join(' ', leaveOut));
        }

        string fix = (fixes.Count == 0 ? "" : string.Join(" and ", fixes) + " or ") + "drop --resume to push everything again";
        return differences.Count == 1
            ? $"cannot resume from {path}: {differences[0]}: {fix}"
            : $"cannot resume from {path}:\n  {string.Join("\n  ", differences)}\n  {fix}";
    }

    private static string Describe(FileStamp stamp) =>
        string.Create(CultureInfo.InvariantCulture, $"{stamp.Bytes:N0} bytes modified {stamp.Modified:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}");

    internal static IEnumerable<int> ParseRanges(string ranges, int count)
    {
        foreach (string part in ranges.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] ends = part.Split('-');
            int from = int.Parse(ends[0], CultureInfo.InvariantCulture);
            int to = ends.Length > 1 ? int.Parse(ends[1], CultureInfo.InvariantCulture) : from;
            for (int i = Math.Max(0, from); i <= Math.Min(to, count - 1); i++)
            {
                yield return i;
            }
        }
    }

    /// <summary>
    /// A table's acknowledged batches as a prefix (every batch below it) and the few acknowledged beyond it (out of
    /// order, at most the concurrency): formatting it after each acknowledgement costs O(concurrency), not O(batches).
    /// </summary>
    internal sealed class Acknowledged
    {
        private readonly bool[] _done;
        private readonly SortedSet<int> _beyond = [];
        private int _prefix;

        public Acknowledged(bool[] done)
        {
            _done = done;
            Advance();
            for (int i = _prefix; i < done.Length; i++)
            {
                if (done[i])
                {
                    _beyond.Add(i);
                }
            }
        }

        public bool IsDone(int batch) => _done[batch];

        public void Add(int batch)
        {
            _done[batch] = true;
            _beyond.Add(batch);
            Advance();
        }

        public string Format()
        {
            var text = new StringBuilder();
            if (_prefix > 0)
            {
                text.Append(_prefix == 1 ? "0" : string.Create(CultureInfo.InvariantCulture, $"0-{_prefix - 1}"));
            }

            foreach (int batch in _beyond)
            {
                text.Append(text.Length == 0 ? "" : ",").Append(batch.ToString(CultureInfo.InvariantCulture));
            }

            return text.ToString();
        }

        private void Advance()
        {
            while (_prefix < _done.Length && _done[_prefix])
            {
                _beyond.Remove(_prefix);
                _prefix++;
            }
        }
    }

    internal sealed class State
    {
        public string Fingerprint { get; set; } = "";

        public string Endpoint { get; set; } = "";

        public int BatchSize { get; set; }

        // The parts of the fingerprint, to say which one differs (null in a checkpoint of an older RecSynth).
        public bool? WithEmbeddings { get; set; }

        public bool? WithGroundTruth { get; set; }

        public Dictionary<string, FileStamp>? Files { get; set; }

        public Dictionary<string, string> Acknowledged { get; set; } = new(StringComparer.Ordinal);
    }

    internal sealed class FileStamp
    {
        public long Bytes { get; set; }

        public DateTime Modified { get; set; }
    }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(PushCheckpoint.State))]
internal sealed partial class CheckpointJson : JsonSerializerContext;
