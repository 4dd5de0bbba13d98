using System.Security.Cryptography;
using Parquet;
using Parquet.Schema;

namespace RecSynth.Files.Internals;

/// <summary>
/// A table's Parquet file (<see cref="ParquetTables"/>' schema) written front to back as its rows become known: rows
/// are filled in place into the columns of the row group being built (<see cref="Append"/>), and a full row group
/// (<see cref="ParquetTables.RowGroupRows"/> rows) is encoded and written, so memory holds one row group whatever the
/// table's length — or two, when the writing overlaps the rows' production: then a full row group is encoded and
/// written on a thread of its own while the next one fills, and the encoding (Parquet.Net's, the larger part of the
/// work) runs beside whatever produces the rows. The file is hashed as it is written. Row groups are written in order
/// and their bounds depend only on the row count, so the bytes do not depend on how the rows come (in blocks of any
/// size), on the threads that fill them, or on the overlap.
/// </summary>
internal sealed class ParquetFile : IDisposable
{
    /// <summary>A row group's rows in slots of this many, each with its own text buffer: a thread fills whole slots.</summary>
    internal const int SlotRows = 8192;

    private readonly string _name;
    private readonly HashingStream _stream;
    private readonly ParquetWriter _writer;
    private readonly DataField[] _fields;
    private readonly ParquetColumn[][] _groups; // with overlap, the row group being filled and the one being written, in turn
    private readonly ParquetScratch _scratch = new(); // a column's values as Parquet.Net takes them, one column at a time
    private readonly IProgress<GenerationProgress>? _progress;
    private readonly long? _total;
    private readonly CancellationToken _cancellationToken;
    private ParquetColumn[] _columns; // the row group being filled
    private Task _writing = Task.CompletedTask; // the previous row group's
    private long _written; // rows in the row groups handed to the writer
    private int _count; // rows in the row group being filled
    private bool _ended;

    /// <summary>
    /// Creates <paramref name="path"/> for <paramref name="table"/> (the CSV file's name, e.g. <c>users.csv</c>, which with
    /// <paramref name="columns"/> sets the column types). <paramref name="total"/>: the rows the file will hold, when known;
    /// then progress is reported per row group, else only at the end. <paramref name="overlap"/>: write a full row group
    /// on a thread of its own while the next one fills (for rows that come slowly, such as the simulation's).
    /// </summary>
    public ParquetFile(
        string path, string table, IReadOnlyList<string> columns, IProgress<GenerationProgress>? progress, long? total, CancellationToken cancellationToken, bool overlap = false)
    {
        _name = Path.GetFileName(path);
        _progress = progress;
        _total = total;
        _cancellationToken = cancellationToken;
        var kinds = columns.Select(c => ParquetTables.KindOf(table, c)).ToArray();
        _fields = [.. columns.Select((c, i) => ParquetTables.Field(c, kinds[i]))];
        _groups = [.. Enumerable.Range(0, overlap ? 2 : 1).Select(_ => kinds.Select(k => new ParquetColumn(k)).ToArray())];
        _columns = _groups[0];
        _stream = new HashingStream(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16));
        try
        {
            _writer = ParquetWriter.CreateAsync(new ParquetSchema(_fields), _stream, ParquetTables.Options(), cancellationToken: cancellationToken)
                .GetAwaiter().GetResult();
        }
        catch
        {
            _stream.Dispose();
            throw;
        }

        if (total is long rows)
        {
            progress?.Report(new GenerationProgress(_name, 0, rows));
        }
    }

    /// <summary>
    /// Writes a whole table of <paramref name="rows"/> rows drawn by index (products, users), a row group at a time,
    /// filled on <paramref name="threads"/> threads; returns its manifest entry.
    /// </summary>
    public static ManifestFile Write(
        string path, string table, IReadOnlyList<string> columns, string stage, int rows, RowFill fill, int threads, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        using var file = new ParquetFile(path, table, columns, progress, rows, cancellationToken);
        file.Append(rows, fill, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken });
        return file.Complete(stage);
    }

    /// <summary>Fills row <paramref name="index"/> (of the block being appended) column by column, in the schema's order.</summary>
    public delegate void RowFill(int index, ref ParquetRow row);

    /// <summary>Rows appended so far.</summary>
    public long Rows => _written + _count;

    /// <summary>
    /// Appends <paramref name="count"/> rows, row <c>i</c> filled by <c>fill(i, …)</c>: in parallel by slots when
    /// <paramref name="parallel"/> is given (<paramref name="fill"/> must then be safe to call from several threads);
    /// each full row group is written before the next is filled.
    /// </summary>
    public void Append(int count, RowFill fill, ParallelOptions? parallel = null)
    {
        for (int done = 0; done < count;)
        {
            int first = _count, rows = Math.Min(count - done, ParquetTables.RowGroupRows - first), offset = done - first;
            int firstSlot = first / SlotRows, lastSlot = (first + rows - 1) / SlotRows;
            void FillSlot(int slot)
            {
                int end = Math.Min(first + rows, (slot + 1) * SlotRows);
                for (int r = Math.Max(first, slot * SlotRows); r < end; r++)
                {
                    var row = new ParquetRow(_columns, r);
                    fill(r + offset, ref row);
                    row.Complete();
                }
            }

            if (parallel is null || firstSlot == lastSlot)
            {
                for (int slot = firstSlot; slot <= lastSlot; slot++)
                {
                    FillSlot(slot);
                }
            }
            else
            {
                Parallel.For(firstSlot, lastSlot + 1, parallel, FillSlot);
            }

            _count += rows;
            done += rows;
            if (_count == ParquetTables.RowGroupRows)
            {
                WriteGroup();
            }
        }
    }

    /// <summary>The next row, for rows that come one at a time: fill it, then <see cref="EndRow"/>.</summary>
    public ParquetRow StartRow() => new(_columns, _count);

    public void EndRow(in ParquetRow row)
    {
        row.Complete();
        if (++_count == ParquetTables.RowGroupRows)
        {
            WriteGroup();
        }
    }

    /// <summary>
    /// No more rows: hands the last row group (a table without rows has one, empty) to the writer, which writes it
    /// while the caller goes on (<see cref="Complete"/> waits for it).
    /// </summary>
    public void EndRows()
    {
        if (!_ended && (_count > 0 || _written == 0))
        {
            WriteGroup();
        }

        _ended = true;
    }

    /// <summary>Writes the last row group and the footer; returns the file's manifest entry.</summary>
    public ManifestFile Complete(string stage)
    {
        EndRows();
        _writing.GetAwaiter().GetResult();
        _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _stream.Flush();
        _progress?.Report(new GenerationProgress(_name, _written, _written));
        return new ManifestFile { Stage = stage, Rows = _written, Bytes = _stream.Bytes, Sha256 = _stream.Hash() };
    }

    public void Dispose()
    {
        try
        {
            _writing.Wait(CancellationToken.None); // it writes to the stream
        }
        catch (AggregateException)
        {
            // Failed or cancelled: what is being disposed of is given up anyway, and its failure was or will be thrown.
        }

        _stream.Dispose();
    }

    /// <summary>Writes the full row group; with overlap, hands it to a writer thread once the previous one is written, and fills the other.</summary>
    private void WriteGroup()
    {
        _cancellationToken.ThrowIfCancellationRequested();
        _writing.GetAwaiter().GetResult();
        var (columns, count) = (_columns, _count);
        long written = _written += count;
        void Write()
        {
            using (var group = _writer.CreateRowGroup())
            {
                for (int c = 0; c < columns.Length; c++)
                {
                    columns[c].WriteAsync(group, _fields[c], count, _scratch, _cancellationToken).GetAwaiter().GetResult();
                }
            }

            if (_total is long total)
            {
                _progress?.Report(new GenerationProgress(_name, written, Math.Max(total, written)));
            }
        }

        if (_groups.Length == 1)
        {
            Write();
        }
        else
        {
            // Not the pool's thread: the rows' producers may have every pool thread.
            _writing = Task.Factory.StartNew(Write, _cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            _columns = _groups[_columns == _groups[0] ? 1 : 0];
        }

        _count = 0;
        foreach (var column in _columns)
        {
            column.Clear();
        }
    }

    /// <summary>
    /// The file's bytes on their way to disk, hashed as they pass; not seekable (Parquet.Net then counts the
    /// position itself), and every write is synchronous, so that the writer's awaits complete at once.
    /// </summary>
    private sealed class HashingStream(FileStream file) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public long Bytes { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public string Hash() => Convert.ToHexStringLower(_hash.GetHashAndReset());

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            file.Write(buffer);
            _hash.AppendData(buffer);
            Bytes += buffer.Length;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void WriteByte(byte value) => Write([value]);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush() => file.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            file.Flush();
            return Task.CompletedTask;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                file.Dispose();
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
