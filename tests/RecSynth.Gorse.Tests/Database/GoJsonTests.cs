using System.Text.Json.Nodes;
using RecSynth.Gorse.Database;

namespace RecSynth.Gorse.Tests.Database;

/// <summary>
/// Labels are stored as Gorse's Go code writes them (encoding/json's Marshal of the decoded value). The expected texts
/// are Go's documented output for these values: shortest float64 digits, 'e' form below 1e-6 and from 1e21 with a
/// negative exponent's leading zero dropped, map keys sorted bytewise, HTML characters and U+2028/U+2029 escaped.
/// </summary>
public sealed class GoJsonTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(3.0, "3")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(123.45, "123.45")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1.5e22, "1.5e+22")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(0.000015, "0.000015")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(-2.5e-8, "-2.5e-8")]
    [InlineData(1.2345e-10, "1.2345e-10")]
    [InlineData(0.1 + 0.2, "0.30000000000000004")]
    [InlineData(123456789012345.0, "123456789012345")]
    [InlineData(1e15, "1000000000000000")]
    public void Numbers_are_written_as_go_writes_a_float64(double value, string expected) =>
        Assert.Equal(expected, GoJson.Write(JsonValue.Create(value)));

    [Fact]
    public void A_float32_is_written_by_its_own_shortest_digits_as_it_travels_in_json()
    {
        // 0.1f is 0.100000001490116… as a double; JSON carries "0.1", which Go reads and writes back as 0.1.
        Assert.Equal("[0.1,-0.33333334,1e-8,0.00001]", GoJson.Write(new JsonArray(JsonValue.Create(0.1f), JsonValue.Create(-1f / 3), JsonValue.Create(1e-8f), JsonValue.Create(1e-5f))));
    }

    [Fact]
    public void Object_keys_are_sorted_bytewise_at_every_level_and_strings_escaped_as_go_does()
    {
        var labels = new JsonObject
        {
            ["style"] = "a<b>&c",
            ["Brand"] = "line\u2028sep\u2029\t\"q\"\\",
            ["nested"] = new JsonObject { ["z"] = 1, ["a"] = new JsonArray("x", true, null) },
            ["\u00e9"] = "\u0001\b\f",
            ["_"] = false,
        };

        Assert.Equal(
            """{"Brand":"line\u2028sep\u2029\t\"q\"\\","_":false,"nested":{"a":["x",true,null],"z":1},"style":"a\u003cb\u003e\u0026c","é":"\u0001\b\f"}""",
            GoJson.Write(labels));
    }

    [Fact]
    public void Canonical_gives_the_same_text_for_values_equal_as_json_and_keeps_gorses_form_as_it_is()
    {
        string gorse = GoJson.Write(new JsonObject { ["price"] = 12.5, ["embedding"] = new JsonArray(JsonValue.Create(0.25f), JsonValue.Create(1e-7f)), ["b"] = "x" });

        Assert.Equal(gorse, GoJson.Canonical(gorse));
        Assert.Equal(gorse, GoJson.Canonical("""{ "price": 1.25e1, "b": "x", "embedding": [2.5E-1, 0.0000001] }"""));
        Assert.NotEqual(gorse, GoJson.Canonical("""{"price": 12.5000001, "b": "x", "embedding": [0.25, 1e-7]}"""));
        Assert.Equal("null", GoJson.Canonical(null));
    }

    [Fact]
    public void Categories_are_a_go_string_list() =>
        Assert.Equal("""["Tops","T\u0026Shirts"]""", GoJson.Write(["Tops", "T&Shirts"]));
}
