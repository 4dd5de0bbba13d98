using System.Security.Cryptography;
using Parquet;
using Parquet.Schema;

namespace RecSynth.Files.Internals;

/// <summary>
/// A table's Parquet file (<see cref="ParquetTables"/>' schema) written front to back as its rows become known: rows
/// are filled in place into the columns of the row group being built (<see cref="Append"/>), which is encoded and
/// written as soon as it holds <see cref="ParquetTables.RowGroupRows"/> rows, so memory holds one row group whatever
/// the table's length; the file is hashed as it is written. The row groups' bounds depend only on the row count, so
/// the bytes do not depend on how the rows come (in blocks of any size) or on the threads that fill them.
/// </summary>
internal sealed class ParquetFile : IDisposable
{
    /// <summary>A row group's rows in slots of this many, each with its own text buffer: a thread fills whole slots.</summary>
    internal const int SlotRows = 8192;

    private readonly string _name;
    private readonly HashingStream _stream;
    private readonly ParquetWriter _writer;
    private readonly DataField[] _fields;
    private readonly ParquetColumn[] _columns;
    private readonly ReadOnlyMemory<char>?[] _texts; // a text column's values as Parquet.Net takes them, one column at a time
    private readonly IProgress<GenerationProgress>? _progress;
    private readonly long? _total;
    private readonly CancellationToken _cancellationToken;
    private int _count; // rows in the row group being filled

    /// <summary>
    /// Creates <paramref name="path"/> for <paramref name="table"/> (the CSV file's name, e.g. <c>users.csv</c>, which with
    /// <paramref name="columns"/> sets the column types). <paramref name="total"/>: the rows the file will hold, when known;
    /// then progress is reported per row group, else only at the end.
    /// </summary>
    public ParquetFile(string path, string table, IReadOnlyList<string> columns, IProgress<GenerationProgress>? progress, long? total, CancellationToken cancellationToken)
    {
        _name = Path.GetFileName(path);
        _progress = progress;
        _total = total;
        _cancellationToken = cancellationToken;
        var kinds = columns.Select(c => ParquetTables.KindOf(table, c)).ToArray();
        _fields = [.. columns.Select((c, i) => ParquetTables.Field(c, kinds[i]))];
        _columns = [.. kinds.Select(k => new ParquetColumn(k))];
        _texts = kinds.Contains(ParquetKind.Text) ? new ReadOnlyMemory<char>?[ParquetTables.RowGroupRows] : [];
        _stream = new HashingStream(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16));
        try
        {
            _writer = ParquetWriter.CreateAsync(new ParquetSchema(_fields), _stream, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy }, cancellationToken: cancellationToken)
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

    /// <summary>Fills row <paramref name="index"/> (of the block being appended) column by column, in the schema's order.</summary>
    public delegate void RowFill(int index, ref ParquetRow row);

    /// <summary>Rows written so far (in full row groups).</summary>
    public long Rows { get; private set; }

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

    /// <summary>Writes the last row group (a table without rows has one, empty) and the footer; returns the file's manifest entry.</summary>
    public ManifestFile Complete(string stage)
    {
        if (_count > 0 || Rows == 0)
        {
            WriteGroup();
        }

        _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _stream.Flush();
        _progress?.Report(new GenerationProgress(_name, Rows, Rows));
        return new ManifestFile { Stage = stage, Rows = Rows, Bytes = _stream.Bytes, Sha256 = _stream.Hash() };
    }

    public void Dispose() => _stream.Dispose();

    private void WriteGroup()
    {
        _cancellationToken.ThrowIfCancellationRequested();
        using (var group = _writer.CreateRowGroup())
        {
            for (int c = 0; c < _columns.Length; c++)
            {
                _columns[c].WriteAsync(group, _fields[c], _count, _texts, _cancellationToken).GetAwaiter().GetResult();
            }
        }

        Rows += _count;
        _count = 0;
        foreach (var column in _columns)
        {
            column.Clear();
        }

        if (_total is long total)
        {
            _progress?.Report(new GenerationProgress(_name, Rows, Math.Max(total, Rows)));
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
