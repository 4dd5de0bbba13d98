using System.Globalization;
using System.Text;
using CsCheck;
using RecSynth.Files.Internals;

namespace RecSynth.Files.Tests;

/// <summary>The hand-written number and timestamp formatting of the CSV writers prints what .NET's formatting prints.</summary>
public sealed class NumberFormattingTests
{
    private static string Fixed(double value, int decimals)
    {
        var buffer = new byte[64];
        var row = new Utf8Row(buffer);
        row.Fixed(value, decimals);
        return Encoding.ASCII.GetString(buffer, 0, row.Length);
    }

    [Theory]
    [InlineData(0.0, 0, "0")]
    [InlineData(0.0, 2, "0.00")]
    [InlineData(57.1, 2, "57.10")]
    [InlineData(-3.5, 1, "-3.5")]
    [InlineData(0.0001, 4, "0.0001")]
    [InlineData(1234567.891, 3, "1234567.891")]
    [InlineData(42, 0, "42")]
    [InlineData(-0.25, 6, "-0.250000")]
    public void Fixed_prints_exactly_the_given_decimals(double value, int decimals, string expected)
    {
        Assert.Equal(expected, Fixed(value, decimals));
    }

    [Fact]
    public void Fixed_matches_F_formatting_for_values_rounded_to_the_decimals()
    {
        var values =
            from decimals in Gen.Int[0, 6]
            from raw in Gen.OneOf(Gen.Double[-1_000, 1_000], Gen.Double[-1e9, 1e9], Gen.Double[-1e-3, 1e-3], Gen.Int[-1_000_000, 1_000_000].Select(i => (double)i))
            let value = Math.Round(raw, decimals, MidpointRounding.AwayFromZero)
            where !(value == 0 && double.IsNegative(value)) // -0 prints as "0", which is what a CSV wants; F prints "-0"
            select (value, decimals);

        values.Sample((value, decimals) =>
            Fixed(value, decimals) == value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), iter: 5_000);
    }

    [Fact]
    public void Fixed_matches_F_formatting_for_large_values_with_cents()
    {
        // Prices have two decimals; with catalog.price.base and the price factors at their maxima they reach ~1e13.
        var values = Gen.Long[-1_000_000_000_000, 1_000_000_000_000].Select(cents => cents / 100.0);

        values.Sample(value => Fixed(value, 2) == value.ToString("F2", CultureInfo.InvariantCulture), iter: 2_000);
    }

    [Theory]
    [InlineData(2e17, 2, "200000000000000000.00")]
    [InlineData(1e16, 4, "10000000000000000.0000")]
    public void Fixed_prints_values_too_large_for_64_bit_scaling_as_F_does(double value, int decimals, string expected)
    {
        // Beyond exact 64-bit scaling (value * 10^decimals > 2^53) the writer must still print what "F" prints,
        // e.g. for a caller of the library formatting other numbers than prices.
        Assert.Equal(expected, value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
        Assert.Equal(expected, Fixed(value, decimals));
    }

    [Fact]
    public void FixedValue_is_the_double_that_Fixed_text_parses_to_bit_for_bit()
    {
        // The Parquet tables hold these doubles in place of the CSV text: any value, not only the rounded ones the
        // model writes, negative ones that print as -0.00, values beyond exact scaling.
        var values =
            from decimals in Gen.Int[0, 9]
            from value in Gen.OneOf(Gen.Double[-1_000, 1_000], Gen.Double[-1e9, 1e9], Gen.Double[-1e-3, 1e-3], Gen.Double[-1e17, 1e17], Gen.Long.Select(l => l / 100.0))
            select (value, decimals);

        values.Sample((value, decimals) =>
            BitConverter.DoubleToInt64Bits(Utf8Row.FixedValue(value, decimals))
            == BitConverter.DoubleToInt64Bits(double.Parse(Fixed(value, decimals), NumberStyles.Float, CultureInfo.InvariantCulture)), iter: 20_000);
    }

    [Theory]
    [InlineData(-0.001, 2)]
    [InlineData(-0.0, 2)]
    [InlineData(0.125, 2)]
    [InlineData(57.0999, 2)]
    [InlineData(2e17, 2)]
    [InlineData(-1e16, 4)]
    public void FixedValue_reads_back_the_edge_cases_as_their_text_does(double value, int decimals)
    {
        double parsed = double.Parse(Fixed(value, decimals), NumberStyles.Float, CultureInfo.InvariantCulture);
        Assert.Equal(BitConverter.DoubleToInt64Bits(parsed), BitConverter.DoubleToInt64Bits(Utf8Row.FixedValue(value, decimals)));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void FixedValue_refuses_what_Fixed_refuses(double value)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Utf8Row.FixedValue(value, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Fixed(value, 2));
    }

    [Theory]
    [InlineData(0L, "1970-01-01T00:00:00Z")]
    [InlineData(-1L, "1969-12-31T23:59:59Z")]
    [InlineData(1_683_119_212L, "2023-05-03T13:06:52Z")]
    [InlineData(951_782_400L, "2000-02-29T00:00:00Z")]
    [InlineData(-2_203_891_200L, "1900-03-01T00:00:00Z")]
    [InlineData(-62_135_596_800L, "0001-01-01T00:00:00Z")]
    [InlineData(253_402_300_799L, "9999-12-31T23:59:59Z")]
    public void Rfc3339_formats_known_instants(long seconds, string expected)
    {
        Assert.Equal(expected, Rfc3339.Format(seconds));
    }

    [Fact]
    public void Rfc3339_matches_DateTimeOffset_formatting_for_every_year_from_1_to_9999()
    {
        long min = DateTimeOffset.MinValue.ToUnixTimeSeconds();
        long max = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

        Gen.Long[min, max].Sample(
            seconds => Rfc3339.Format(seconds) == DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            iter: 20_000);
    }

    [Theory]
    [InlineData(-62_135_596_801L)]
    [InlineData(253_402_300_800L)]
    public void Rfc3339_refuses_instants_outside_the_years_1_to_9999(long seconds)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Rfc3339.Format(seconds));
    }
}
