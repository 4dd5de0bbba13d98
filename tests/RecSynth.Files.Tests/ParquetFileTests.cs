using Parquet;
using RecSynth.Files.Internals;
using RecSynth.Testing;

namespace RecSynth.Files.Tests;

/// <summary>
/// <see cref="ParquetFile"/>: rows are streamed into row groups of <see cref="ParquetTables.RowGroupRows"/> rows,
/// written in order as they fill, whatever blocks the rows come in and whatever threads fill them.
/// </summary>
public sealed class ParquetFileTests
{
    // One column of each type (by the documented names that give the types), with nulls in every column that may hold them.
    private static readonly string[] Columns = ["SessionId", "Position", "price", "Timestamp", "title", "Arm"];
    private const int Rows = 2 * ParquetTables.RowGroupRows + 37_856;

    private static void Fill(int i, ref ParquetRow row)
    {
        row.Int64(1_000_003L * i);
        row.Int32(i % 7 - 3);
        if (i % 13 == 0)
        {
            row.Null();
        }
        else
        {
            row.Fixed(i / 7.0, 2);
        }

        if (i % 17 == 0)
        {
            row.Null();
        }
        else
        {
            row.Time(1_672_531_200L + i);
        }

        // A text kept as a string, composed, an id, or a null (an empty text), row by row.
        if (i % 11 == 0)
        {
            row.Text(i % 2 == 0 ? "" : ReadOnlySpan<char>.Empty);
        }
        else if (i % 5 == 0)
        {
            row.Id("item_", i, 3);
        }
        else if (i % 2 == 0)
        {
            row.Text((new string('x', i % 23) + i).AsSpan());
        }
        else
        {
            row.Text(i % 3 == 0 ? "Béret, \"rouge\"" : "Plain");
        }

        row.Text(i % 3 == 0 ? "cf" : "image");
    }

    private static ManifestFile Write(string path, Action<ParquetFile> append, bool overlap = false)
    {
        using var file = new ParquetFile(path, "any.csv", Columns, null, null, TestContext.Current.CancellationToken, overlap);
        append(file);
        return file.Complete("stage");
    }

    [Fact]
    public void Rows_in_any_blocks_from_any_threads_with_or_without_overlap_give_the_same_bytes()
    {
        using var temp = new TempDirectory("parquet-file");
        var random = new Random(7);
        int[] blocks = [.. Enumerable.Range(0, 400).Select(_ => random.Next(0, 3_000))];
        var whole = Write(temp.File("whole.parquet"), f => f.Append(Rows, Fill, new ParallelOptions { MaxDegreeOfParallelism = 4 }), overlap: true);
        var pieces = Write(temp.File("pieces.parquet"), f =>
        {
            int done = 0;
            for (int b = 0; done < Rows; b++)
            {
                int count = Math.Min(Rows - done, blocks[b % blocks.Length]), first = done;
                f.Append(count, (int i, ref ParquetRow row) => Fill(first + i, ref row), b % 2 == 0 ? null : new ParallelOptions { MaxDegreeOfParallelism = 3 });
                done += count;
            }
        }, overlap: true);
        var single = Write(temp.File("single.parquet"), f =>
        {
            for (int i = 0; i < Rows; i++)
            {
                var row = f.StartRow();
                Fill(i, ref row);
                f.EndRow(row);
            }
        });

        Assert.Equal(Rows, whole.Rows);
        Assert.Equal(DatasetFiles.Sha256(temp.File("whole.parquet")), whole.Sha256);
        Assert.Equal(new FileInfo(temp.File("whole.parquet")).Length, whole.Bytes);
        Assert.Equal(whole, pieces);
        Assert.Equal(whole, single);
    }

    [Fact]
    public async Task Row_groups_hold_the_rows_in_order_131072_at_a_time()
    {
        using var temp = new TempDirectory("parquet-groups");
        Write(temp.File("t.parquet"), f => f.Append(Rows, Fill, new ParallelOptions { MaxDegreeOfParallelism = 2 }));

        await using var reader = await ParquetReader.CreateAsync(temp.File("t.parquet"), cancellationToken: TestContext.Current.CancellationToken);
        var ids = reader.Schema.GetDataFields()[0];
        var sizes = new List<long>();
        long next = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var values = new long[group.RowCount];
            await group.ReadAsync(ids, values.AsMemory(), null, TestContext.Current.CancellationToken);
            sizes.Add(group.RowCount);
            foreach (long id in values)
            {
                Assert.Equal(1_000_003L * next++, id);
            }
        }

        Assert.Equal([ParquetTables.RowGroupRows, ParquetTables.RowGroupRows, 37_856], sizes);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_full_row_group_is_on_disk_before_the_table_ends(bool overlap)
    {
        using var temp = new TempDirectory("parquet-streamed");
        string path = temp.File("t.parquet");
        using var file = new ParquetFile(path, "any.csv", Columns, null, null, TestContext.Current.CancellationToken, overlap);
        file.Append(2 * ParquetTables.RowGroupRows + 1, Fill); // the first group is written before the second is handed on

        long streamed = new FileInfo(path).Length;
        var entry = file.Complete("stage");

        Assert.InRange(streamed, entry.Bytes / 4, entry.Bytes - 1);
    }

    [Fact]
    public async Task Texts_read_back_as_they_were_given_whether_kept_composed_or_made_from_an_id()
    {
        using var temp = new TempDirectory("parquet-texts");
        Write(temp.File("t.parquet"), f => f.Append(2_000, Fill, new ParallelOptions { MaxDegreeOfParallelism = 2 }));

        await using var reader = await ParquetReader.CreateAsync(temp.File("t.parquet"), cancellationToken: TestContext.Current.CancellationToken);
        using var group = reader.OpenRowGroupReader(0);
        var titles = new ReadOnlyMemory<char>?[2_000];
        await group.ReadAsync<ReadOnlyMemory<char>>(reader.Schema.GetDataFields()[4], titles.AsMemory(), null, TestContext.Current.CancellationToken);
        Assert.Null(titles[0]);
        Assert.Null(titles[11]);
        Assert.Equal("item_005", titles[5].ToString());
        Assert.Equal("item_1000", titles[1000].ToString());
        Assert.Equal("xxxxxx52", titles[52].ToString());
        Assert.Equal("Béret, \"rouge\"", titles[3].ToString());
        Assert.Equal("Plain", titles[1].ToString());
    }

    [Fact]
    public async Task A_table_without_rows_has_one_empty_row_group()
    {
        using var temp = new TempDirectory("parquet-empty");
        var entry = Write(temp.File("t.parquet"), _ => { });

        await using var reader = await ParquetReader.CreateAsync(temp.File("t.parquet"), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(0, entry.Rows);
        Assert.Equal(1, reader.RowGroupCount);
        Assert.Equal(Columns, reader.Schema.GetDataFields().Select(f => f.Name));
    }

    [Fact]
    public void A_field_of_the_wrong_type_or_a_row_short_of_fields_is_refused()
    {
        using var temp = new TempDirectory("parquet-wrong");
        using var file = new ParquetFile(temp.File("t.parquet"), "any.csv", Columns, null, null, TestContext.Current.CancellationToken);

        var wrong = Assert.Throws<InvalidOperationException>(() => file.Append(1, (int _, ref ParquetRow row) => row.Text("1")));
        var missing = Assert.Throws<InvalidOperationException>(() => file.Append(1, (int _, ref ParquetRow row) => row.Int64(1)));
        var required = Assert.Throws<InvalidOperationException>(() => file.Append(1, (int _, ref ParquetRow row) => row.Null()));

        Assert.Equal("column 0 holds Int64, not Text", wrong.Message);
        Assert.Equal("row 0 has 1 fields; the table has 6 columns", missing.Message);
        Assert.Equal("column 0 holds Int64: it cannot be null", required.Message);
    }
}
