using System.Text;
using System.Text.Json;
using RecSynth.Users;

namespace RecSynth.Files.Tests;

/// <summary>Names with commas, quotes, backslashes and non-ASCII letters survive the CSV files (Sep and pandas read them back exactly).</summary>
public sealed class CsvEscapingTests(GeneratedDatasets datasets)
{
    [Fact]
    public void Products_csv_reads_back_with_sep_to_exactly_the_names()
    {
        var dataset = datasets.AwkwardNames;

        ExpectedRows.AssertCsv(dataset.File("products.csv"), ExpectedRows.ProductColumns, ExpectedRows.Products(dataset.Options));
    }

    [Fact]
    public void Every_awkward_name_occurs_in_products_csv()
    {
        var (_, rows) = ExpectedRows.ReadCsv(datasets.AwkwardNames.File("products.csv"));
        var c = AwkwardVocabulary.Options.Catalog;

        Assert.Equal(c.Categories.Select(x => x.Name).Order(), rows.Select(r => r[1]).Distinct().Order());
        Assert.Equal(c.Categories.SelectMany(x => x.Subcategories).Order(), rows.Select(r => r[2]).Distinct().Order());
        Assert.Equal(c.Colors.Select(x => x.Name).Order(), rows.Select(r => r[4]).Distinct().Order());
        Assert.Equal(c.Brands.Select(x => x.Name).Order(), rows.Select(r => r[7]).Distinct().Order());
        Assert.Equal(c.Conditions.Select(x => x.Name).Order(), rows.Select(r => r[8]).Distinct().Order());
        Assert.Equal(c.Sizes.Select(x => x.Name).Order(), rows.Select(r => r[9]).Distinct().Order());
    }

    [Fact]
    public void The_files_are_utf8_without_a_byte_order_mark()
    {
        foreach (string file in new[] { "products.csv", "users.csv" })
        {
            byte[] bytes = File.ReadAllBytes(datasets.AwkwardNames.File(file));
            Assert.False(bytes is [0xEF, 0xBB, 0xBF, ..], $"{file} starts with a BOM");
            string text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            Assert.Contains("黒", text, StringComparison.Ordinal);
            Assert.DoesNotContain("\r", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Users_csv_reads_back_with_sep_to_exactly_the_names()
    {
        var dataset = datasets.AwkwardNames;

        ExpectedRows.AssertCsv(dataset.File("users.csv"), ExpectedRows.UserColumns, ExpectedRows.Users(dataset.Options), jsonColumn: 5);
    }

    [Fact]
    public void Style_preferences_parse_as_json_to_the_users_masks()
    {
        var options = datasets.AwkwardNames.Options;
        var population = UserPopulation.Generate(options, TestContext.Current.CancellationToken);
        var (header, rows) = ExpectedRows.ReadCsv(datasets.AwkwardNames.File("users.csv"));
        int column = Array.IndexOf(header, "style_preferences");
        var c = options.Catalog;
        (string Key, string[] Names, Func<RecSynth.Users.User, uint> Mask)[] lists =
        [
            ("colors", [.. c.Colors.Select(x => x.Name)], u => u.ColorMask),
            ("patterns", [.. c.Patterns.Select(x => x.Name)], u => u.PatternMask),
            ("materials", [.. c.Materials.Select(x => x.Name)], u => u.MaterialMask),
            ("brands", [.. c.Brands.Select(x => x.Name)], u => u.BrandMask),
        ];

        Assert.Equal(population.Users.Length, rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            using var json = JsonDocument.Parse(rows[i][column]);
            foreach (var (key, names, mask) in lists)
            {
                string[] listed = [.. json.RootElement.GetProperty(key).EnumerateArray().Select(e => e.GetString()!)];
                uint fromFile = 0;
                foreach (string name in listed)
                {
                    int bit = Array.IndexOf(names, name);
                    Assert.True(bit >= 0, $"row {i + 1}: {key} lists «{name}», which is not in the vocabulary");
                    fromFile |= 1u << bit;
                }

                Assert.Equal(listed.Length, listed.Distinct().Count());
                Assert.Equal(mask(population.Users[i]), fromFile);
            }
        }
    }
}
