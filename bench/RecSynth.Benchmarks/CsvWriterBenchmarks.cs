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
public class CsvWriterBenchmarks : IDisposable
{
    private const int Rows = 10_000;
    private Item[] _items = [];
    private User[] _users = [];
    private ProductsCsv _products = null!;
    private UsersCsv _usersCsv = null!;
    private CatalogVocabulary _vocabulary = null!;
    private string[] _ageGroups = [];
    private readonly ArrayBufferWriter<byte> _buffer = new(4 << 20);
    private readonly MemoryStream _stream = new(4 << 20);

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
    public long ProductsSep()
    {
        // Sep writing UTF-8 to a stream, each field formatted into a reused char buffer (no per-field strings).
        _stream.SetLength(0);
        Span<char> scratch = stackalloc char[256];
        using (var writer = Sep.Writer(o => o with { Escape = true }).To(_stream, leaveOpen: true))
        {
            foreach (var item in _items)
            {
                using var row = writer.NewRow();
                row["item_id"].Set(Concat(scratch, "item_", item.Index));
                row["category"].Set(_vocabulary.Categories[item.Category]);
                row["subcategory"].Set(_vocabulary.Subcategories[item.Subcategory]);
                row["style"].Set(_vocabulary.Styles[item.Style]);
                row["color"].Set(_vocabulary.Colors[item.Color]);
                row["pattern"].Set(_vocabulary.Patterns[item.Pattern]);
                row["material"].Set(_vocabulary.Materials[item.Material]);
                row["brand"].Set(_vocabulary.Brands[item.Brand]);
                row["condition"].Set(_vocabulary.Conditions[item.Condition]);
                row["size"].Set(_vocabulary.Sizes[item.Size]);
                row["price"].Set(Number(scratch, item.Price, "F2"));
                row["listed_at"].Set(Timestamp(scratch, item.ListedAt));
                row["popularity"].Set(Number(scratch, item.Popularity, "F4"));
                row["title"].Set(Title(scratch, item));
            }
        }

        return _stream.Length;
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
    public long UsersSep()
    {
        _stream.SetLength(0);
        Span<char> scratch = stackalloc char[512];
        using (var writer = Sep.Writer(o => o with { Escape = true }).To(_stream, leaveOpen: true))
        {
            foreach (var user in _users)
            {
                using var row = writer.NewRow();
                row["user_id"].Set(ZeroPadded(scratch, user.Index));
                row["age_group"].Set(_ageGroups[user.AgeGroup]);
                row["primary_style"].Set(_vocabulary.Styles[user.PrimaryStyle]);
                row["price_sensitivity"].Set(UserPopulation.Levels[user.PriceSensitivity]);
                row["sustainability_focus"].Set(UserPopulation.Levels[user.SustainabilityFocus]);
                row["style_preferences"].Set(Json(scratch, user));
                row["cf_preference"].Set(Number(scratch, user.CfPreference, "F4"));
                row["preference_consistency"].Set(Number(scratch, user.PreferenceConsistency, "F4"));
                row["activity"].Set(Number(scratch, user.Activity, "F4"));
                row["signed_up_at"].Set(Timestamp(scratch, user.SignedUpAt));
                row["drift_at"].Set("");
                row["cf_preference_after"].Set("");
            }
        }

        return _stream.Length;
    }

    private static ReadOnlySpan<char> Concat(Span<char> scratch, string prefix, int number)
    {
        prefix.AsSpan().CopyTo(scratch);
        number.TryFormat(scratch[prefix.Length..], out int n, default, CultureInfo.InvariantCulture);
        return scratch[..(prefix.Length + n)];
    }

    private static ReadOnlySpan<char> ZeroPadded(Span<char> scratch, int number)
    {
        scratch[0] = 'U';
        number.TryFormat(scratch[1..], out int n, "D6", CultureInfo.InvariantCulture);
        return scratch[..(1 + n)];
    }

    private static ReadOnlySpan<char> Number(Span<char> scratch, double value, string format)
    {
        value.TryFormat(scratch, out int n, format, CultureInfo.InvariantCulture);
        return scratch[..n];
    }

    private static ReadOnlySpan<char> Timestamp(Span<char> scratch, long unixSeconds)
    {
        DateTime.UnixEpoch.AddSeconds(unixSeconds).TryFormat(scratch, out int n, "s", CultureInfo.InvariantCulture);
        scratch[n] = 'Z';
        return scratch[..(n + 1)];
    }

    private ReadOnlySpan<char> Title(Span<char> scratch, in Item item)
    {
        int n = 0;
        void Append(ReadOnlySpan<char> part, Span<char> to)
        {
            part.CopyTo(to[n..]);
            n += part.Length;
        }

        Append(_vocabulary.Colors[item.Color], scratch);
        Append(" ", scratch);
        Append(_vocabulary.Patterns[item.Pattern], scratch);
        Append(" ", scratch);
        Append(_vocabulary.Subcategories[item.Subcategory], scratch);
        Append(" by ", scratch);
        Append(_vocabulary.Brands[item.Brand], scratch);
        Append(" (", scratch);
        Append(_vocabulary.Conditions[item.Condition], scratch);
        Append(")", scratch);
        return scratch[..n];
    }

    public void Dispose()
    {
        _stream.Dispose();
        GC.SuppressFinalize(this);
    }

    private ReadOnlySpan<char> Json(Span<char> scratch, User user)
    {
        int n = 0;
        void Append(ReadOnlySpan<char> text, Span<char> to)
        {
            text.CopyTo(to[n..]);
            n += text.Length;
        }

        void List(string key, System.Collections.Immutable.ImmutableArray<string> names, uint mask, Span<char> to)
        {
            Append(key, to);
            bool first = true;
            for (int i = 0; i < names.Length; i++)
            {
                if ((mask & (1u << i)) != 0)
                {
                    Append(first ? "\"" : ",\"", to);
                    Append(names[i], to);
                    Append("\"", to);
                    first = false;
                }
            }

            Append("]", to);
        }

        List("{\"colors\":[", _vocabulary.Colors, user.ColorMask, scratch);
        List(",\"patterns\":[", _vocabulary.Patterns, user.PatternMask, scratch);
        List(",\"materials\":[", _vocabulary.Materials, user.MaterialMask, scratch);
        List(",\"brands\":[", _vocabulary.Brands, user.BrandMask, scratch);
        Append("}", scratch);
        return scratch[..n];
    }
}
