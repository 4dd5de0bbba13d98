using CsCheck;
using RecSynth.Behaviour;
using RecSynth.Catalog;

namespace RecSynth.Tests.Behaviour;

/// <summary>
/// The packed attributes: each attribute reads back as packed, and the branch-free matches (one pair, or four at a
/// time) equal comparing the attributes by name.
/// </summary>
public sealed class ItemAttributesTests
{
    // Few values per attribute, so that products share any pattern of attributes; 255 for the top of a byte.
    private static readonly Gen<byte> Code = Gen.OneOf(Gen.Byte[0, 2], Gen.Const((byte)255));

    private static readonly Gen<Item> Items = Gen.Select(Code.Array[7], Gen.Byte, Gen.Byte).Select((c, condition, size) => new Item
    {
        Category = c[0], Subcategory = c[1], Color = c[2], Pattern = c[3], Material = c[4], Brand = c[5], Style = c[6],
        Condition = condition, Size = size,
    });

    [Fact]
    public void Each_attribute_reads_back_as_packed() =>
        Items.Sample(item =>
        {
            var attributes = ItemAttributes.Pack(item);
            Assert.Equal(
                (item.Category, item.Subcategory, item.Color, item.Pattern, item.Material, item.Brand, item.Style),
                (attributes.Category, attributes.Subcategory, attributes.Color, attributes.Pattern, attributes.Material, attributes.Brand, attributes.Style));
        }, iter: 10_000);

    [Fact]
    public void The_match_is_the_attributes_shared()
    {
        Gen.Select(Items, Items).Sample((a, b) =>
            Assert.Equal(Reference(a, b), ItemAttributes.Match(ItemAttributes.Pack(a), ItemAttributes.Pack(b))), iter: 50_000);

        static int Reference(in Item a, in Item b) =>
            (a.Category == b.Category ? 1 : 0) | (a.Subcategory == b.Subcategory ? 2 : 0) | (a.Color == b.Color ? 4 : 0)
            | (a.Pattern == b.Pattern ? 8 : 0) | (a.Material == b.Material ? 16 : 0) | (a.Brand == b.Brand ? 32 : 0);
    }

    [Fact]
    public void Four_matches_at_once_are_the_four_matches() =>
        Gen.Select(Items, Items.Array[4, 6]).Sample((item, others) =>
        {
            var attributes = ItemAttributes.Pack(item);
            ItemAttributes[] packed = [.. others.Select(o => ItemAttributes.Pack(o))];
            uint matches = ItemAttributes.Match4(attributes.Broadcast(), packed);
            for (int j = 0; j < 4; j++)
            {
                Assert.Equal(ItemAttributes.Match(attributes, packed[j]), (int)(matches >> (8 * j)) & 0xFF);
            }
        }, iter: 20_000);
}
