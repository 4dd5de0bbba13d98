using Parquet;
using Parquet.Schema;
using RecSynth.Files.Internals;
using RecSynth.Testing;

namespace RecSynth.Files.Tests;

/// <summary>
/// A table's Parquet form goes through the same strict parsing as its CSV form: each value is read as the text the CSV
/// file would hold, and a problem names the file, the row (counted across row groups), the column and the value.
/// </summary>
public sealed class ParquetReadingTests
{
    /// <summary>Writes a Parquet file of text columns, one row group per entry of <paramref name="groups"/> (rows of values).</summary>
    private static async Task WriteTextAsync(string path, string[] columns, params string?[][][] groups)
    {
        var fields = columns.Select(c => new DataField<string>(c, true)).ToArray();
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, cancellationToken: TestContext.Current.CancellationToken);
        foreach (var rows in groups)
        {
            using var group = writer.CreateRowGroup();
            for (int c = 0; c < fields.Length; c++)
            {
                await group.WriteAsync(fields[c], new ArraySegment<string?>([.. rows.Select(r => r[c])])!, null);
            }
        }
    }

    private static string?[] Product(int i, string price = "12.5", string? id = "") =>
        [id == "" ? $"item_{i}" : id, "Tops", "T-Shirt", "Casual", "Red", "Solid", "Cotton", "Zara", "New", "M", price, "2023-01-01T00:00:00Z", "1", "Red Solid T-Shirt by Zara (New)"];

    [Fact]
    public async Task A_price_written_as_text_is_refused_naming_file_row_column_and_value()
    {
        using var temp = new TempDirectory("parquet-text");
        await WriteTextAsync(temp.File("products.parquet"), [.. ProductsCsv.Columns],
            [Product(0), Product(1), Product(2)],
            [Product(3), Product(4, "cheap"), Product(5)]);

        var error = Assert.Throws<DatasetUsageException>(() => DatasetReader.ReadProducts(temp.Path, TestContext.Current.CancellationToken));

        Assert.Equal("products.parquet row 5: price 'cheap' is not a number", error.Message);
    }

    [Fact]
    public async Task A_null_where_a_value_is_needed_is_an_empty_field()
    {
        using var temp = new TempDirectory("parquet-null");
        await WriteTextAsync(temp.File("products.parquet"), [.. ProductsCsv.Columns], [Product(0), Product(1, id: null)]);

        var error = Assert.Throws<DatasetUsageException>(() => DatasetReader.ReadProducts(temp.Path, TestContext.Current.CancellationToken));

        Assert.Equal("products.parquet row 2: item_id '' must not be empty", error.Message);
    }

    [Fact]
    public async Task Typed_values_read_as_the_text_of_the_csv_form()
    {
        using var temp = new TempDirectory("parquet-typed");
        var real = new DataField<double?>("real", true);
        var whole = new DataField<long>("whole", false);
        var time = new DateTimeDataField("time", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis, isNullable: true);
        await using (var stream = File.Create(temp.File("t.parquet")))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(real, whole, time), stream, cancellationToken: TestContext.Current.CancellationToken);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(real, new ReadOnlyMemory<double?>([0.1 + 0.2, null, 57.3]), null, null, TestContext.Current.CancellationToken);
            await group.WriteAsync(whole, new ReadOnlyMemory<long>([-4, 10_000_000_123, 0]), null, null, TestContext.Current.CancellationToken);
            var t = new DateTime(2023, 5, 3, 13, 6, 52, DateTimeKind.Utc);
            await group.WriteAsync(time, new ReadOnlyMemory<DateTime?>([t, null, t.AddMilliseconds(250)]), null, null, TestContext.Current.CancellationToken);
        }

        using var table = DatasetTable.Open(temp.Path, "t.csv", ["time", "real", "whole"]);
        var rows = new List<string[]>();
        while (table.MoveNext())
        {
            rows.Add([table.Span(0).ToString(), table.Span(1).ToString(), table.Span(2).ToString()]);
        }

        Assert.Equal(
            [["2023-05-03T13:06:52Z", "0.30000000000000004", "-4"], ["", "", "10000000123"], ["2023-05-03T13:06:52.25Z", "57.3", "0"]],
            rows);
        Assert.Equal(0.1 + 0.2, double.Parse(rows[0][1], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_missing_column_is_named_with_the_ones_expected()
    {
        using var temp = new TempDirectory("parquet-columns");
        await WriteTextAsync(temp.File("users.parquet"), ["user_id", "age_group"], [["U000000", "18-24"]]);

        var error = Assert.Throws<DatasetUsageException>(() => DatasetReader.ReadUsers(temp.Path, TestContext.Current.CancellationToken));

        Assert.StartsWith("users.parquet: the schema has no column 'primary_style'", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Every field of every table, read from the Parquet form, is the field of the CSV form (the same number where the
    /// CSV text has another spelling of it), the tables read one after the other in one process as stats reads them.
    /// </summary>
    [Fact]
    public void Every_field_of_every_table_reads_the_same_from_parquet_as_from_csv()
    {
        using var temp = new TempDirectory("parquet-fields");
        string folder = temp.Sub("data");
        DatasetGenerator.Generate(TestOptions.Dataset(products: 500, users: 1_000, weeks: 4), TestOptions.Output(folder) with { Formats = DatasetFormats.Csv | DatasetFormats.Parquet }, cancellationToken: TestContext.Current.CancellationToken);
        var c = System.Globalization.CultureInfo.InvariantCulture;
        foreach (string table in new[] { "products.csv", "users.csv", "interactions.csv", "sessions.csv", "ground_truth.csv" })
        {
            string csvPath = Path.Combine(folder, table);
            string[] columns = File.ReadLines(csvPath).First().Split(',');
            using var csv = CsvTable.Open(csvPath, columns);
            using var parquet = ParquetTable.Open(Path.ChangeExtension(csvPath, ".parquet"), columns);
            int rows = 0;
            while (csv.MoveNext())
            {
                Assert.True(parquet.MoveNext(), $"{table}: the Parquet form ends at row {rows}");
                rows++;
                for (int i = 0; i < columns.Length; i++)
                {
                    string a = csv.Span(i).ToString(), b = parquet.Span(i).ToString();
                    bool same = a == b || (double.TryParse(a, c, out double x) && double.TryParse(b, c, out double y) && x == y);
                    Assert.True(same, $"{table} row {rows}, {columns[i]}: '{a}' in the CSV form, '{b}' in the Parquet form");
                }
            }

            Assert.False(parquet.MoveNext(), $"{table}: the Parquet form has more than {rows} rows");
        }
    }
}

