using System.Buffers;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using nietras.SeparatedValues;
using RecSynth.Catalog;
using RecSynth.Configuration;
using RecSynth.Files.Internals;
using RecSynth.Users;

namespace RecSynth.Benchmarks;

/// <summary>
/// The CSV writers: RecSynth's fixed-schema UTF-8 row formatters against Sep (the CSV library the project uses for
/// reading) writing the same rows. Sep is the baseline: the hand-written writer exists only because of this ratio.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class CsvWriterBenchmarks
{
    private const int Rows = 10_000;
    private Item[] _items = [];
    private User[] _users = [];
    private ProductsCsv _products = null!;
    private UsersCsv _usersCsv = null!;
    private CatalogVocabulary _vocabulary = null!;
    private string[] _ageGroups = [];
    private readonly ArrayBufferWriter<byte> _buffer = new(4 << 20);

    [GlobalSetup]
    public void Setup()
    {
        var options = new RecSynthOptions() with { Catalog = new CatalogOptions { Count = Rows }, Users = new UserOptions { Count = Rows } };
        var catalog = new CatalogModel(options);
        var users = new UserModel(options);
        _items = [.. Enumerable.Range(0, Rows).Select(catalog.CreateItem)];
        _users = [.. Enumerable.Range(0, Rows).Select(users.CreateUser)];
        _vocabulary = catalog.Vocabulary;
        _ageGroups = [.. users.AgeGroups];
        _products = new ProductsCsv(_vocabulary);
        _usersCsv = new UsersCsv(users.AgeGroups, _vocabulary, Rows);
    }

    [BenchmarkCategory("products.csv")]
    [Benchmark(OperationsPerInvoke = Rows, Description = "RecSynth")]
    public int ProductsRecSynth()
    {
        _buffer.ResetWrittenCount();
        foreach (var item in _items)
        {
            _buffer.Advance(_products.WriteRow(item, _buffer.GetSpan(_products.MaxRowBytes)));
        }

        return _buffer.WrittenCount;
    }

    [BenchmarkCategory("products.csv")]
    [Benchmark(Baseline = true, OperationsPerInvoke = Rows, Description = "Sep")]
    public int ProductsSep()
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var writer = Sep.Writer(o => o with { Escape = true }).To(text))
        {
            foreach (var item in _items)
            {
                using var row = writer.NewRow();
                row["item_id"].Set("item_" + item.Index.ToString(CultureInfo.InvariantCulture));
                row["category"].Set(_vocabulary.Categories[item.Category]);
                row["subcategory"].Set(_vocabulary.Subcategories[item.Subcategory]);
                row["style"].Set(_vocabulary.Styles[item.Style]);
                row["color"].Set(_vocabulary.Colors[item.Color]);
                row["pattern"].Set(_vocabulary.Patterns[item.Pattern]);
                row["material"].Set(_vocabulary.Materials[item.Material]);
                row["brand"].Set(_vocabulary.Brands[item.Brand]);
                row["condition"].Set(_vocabulary.Conditions[item.Condition]);
                row["size"].Set(_vocabulary.Sizes[item.Size]);
                row["price"].Set(item.Price.ToString("F2", CultureInfo.InvariantCulture));
                row["listed_at"].Set(DateTimeOffset.FromUnixTimeSeconds(item.ListedAt).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                row["popularity"].Set(item.Popularity.ToString("F4", CultureInfo.InvariantCulture));
                row["title"].Set(_vocabulary.Title(item));
            }
        }

        return System.Text.Encoding.UTF8.GetByteCount(text.ToString());
    }

    [BenchmarkCategory("users.csv")]
    [Benchmark(OperationsPerInvoke = Rows, Description = "RecSynth")]
    public int UsersRecSynth()
    {
        _buffer.ResetWrittenCount();
        foreach (var user in _users)
        {
            _buffer.Advance(_usersCsv.WriteRow(user, _buffer.GetSpan(_usersCsv.MaxRowBytes)));
        }

        return _buffer.WrittenCount;
    }

    [BenchmarkCategory("users.csv")]
    [Benchmark(Baseline = true, OperationsPerInvoke = Rows, Description = "Sep")]
    public int UsersSep()
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var writer = Sep.Writer(o => o with { Escape = true }).To(text))
        {
            foreach (var user in _users)
            {
                using var row = writer.NewRow();
                row["user_id"].Set(UserPopulation.UserId(user.Index, Rows));
                row["age_group"].Set(_ageGroups[user.AgeGroup]);
                row["primary_style"].Set(_vocabulary.Styles[user.PrimaryStyle]);
                row["price_sensitivity"].Set(UserPopulation.Levels[user.PriceSensitivity]);
                row["sustainability_focus"].Set(UserPopulation.Levels[user.SustainabilityFocus]);
                row["style_preferences"].Set(Json(user));
                row["cf_preference"].Set(user.CfPreference.ToString("F4", CultureInfo.InvariantCulture));
                row["preference_consistency"].Set(user.PreferenceConsistency.ToString("F4", CultureInfo.InvariantCulture));
                row["activity"].Set(user.Activity.ToString("F4", CultureInfo.InvariantCulture));
                row["signed_up_at"].Set(DateTimeOffset.FromUnixTimeSeconds(user.SignedUpAt).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                row["drift_at"].Set("");
                row["cf_preference_after"].Set("");
            }
        }

        return System.Text.Encoding.UTF8.GetByteCount(text.ToString());
    }

    private string Json(User user) =>
        "{\"colors\":" + List(_vocabulary.Colors, user.ColorMask) + ",\"patterns\":" + List(_vocabulary.Patterns, user.PatternMask)
        + ",\"materials\":" + List(_vocabulary.Materials, user.MaterialMask) + ",\"brands\":" + List(_vocabulary.Brands, user.BrandMask) + "}";

    private static string List(System.Collections.Immutable.ImmutableArray<string> names, uint mask) =>
        "[" + string.Join(",", names.Where((_, i) => (mask & (1u << i)) != 0).Select(n => "\"" + n + "\"")) + "]";
}
