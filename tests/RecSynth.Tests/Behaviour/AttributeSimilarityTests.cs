using CsCheck;
using RecSynth.Tests.Support;

namespace RecSynth.Tests.Behaviour;

/// <summary>
/// Satiation's attribute similarity: the table lookup on packed attributes (<c>World.Similarity(ulong, ulong)</c>)
/// gives the same floats as the reference, which compares the products' fields one by one.
/// </summary>
public sealed class AttributeSimilarityTests(ImageSourceSample sample) : IClassFixture<ImageSourceSample>
{
    [Fact]
    public void The_packed_similarity_equals_the_field_by_field_one()
    {
        var world = sample.World;
        var items = Gen.Int[0, ImageSourceSample.Products - 1];
        Gen.Select(items, items).Sample((a, b) =>
            Assert.Equal(world.Similarity(world.Items[a], world.Items[b]), world.Similarity(world.Attributes[a], world.Attributes[b])), iter: 200_000);
    }

    [Fact]
    public void Every_pattern_of_shared_attributes_occurs_and_agrees()
    {
        // Random pairs rarely share a brand and a material and a pattern; pairs within a subcategory cover the rest.
        var world = sample.World;
        var patterns = new HashSet<int>();
        for (int a = 0; a < 3_000; a++)
        {
            for (int b = a; b < 3_000; b++)
            {
                var (x, y) = (world.Items[a], world.Items[b]);
                Assert.Equal(world.Similarity(x, y), world.Similarity(world.Attributes[a], world.Attributes[b]));
                patterns.Add(x.Category != y.Category ? -1 : (x.Subcategory == y.Subcategory ? 1 : 0) | (x.Color == y.Color ? 2 : 0)
                    | (x.Pattern == y.Pattern ? 4 : 0) | (x.Material == y.Material ? 8 : 0) | (x.Brand == y.Brand ? 16 : 0));
            }
        }

        // 33 patterns: another category, or the same one with any of 32 combinations of the other five.
        Assert.Equal(33, patterns.Count);
    }
}
