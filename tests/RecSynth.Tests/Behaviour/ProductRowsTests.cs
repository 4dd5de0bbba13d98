using RecSynth.Behaviour;

namespace RecSynth.Tests.Behaviour;

/// <summary>The response's per-product rows: one cache line each, holding what was put in, apart from each other.</summary>
public sealed class ProductRowsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(1_001)]
    public void Every_row_starts_on_a_cache_line_and_keeps_its_values_and_attributes(int products)
    {
        var rows = new ProductRows(products);
        for (int i = 0; i < products; i++)
        {
            var row = rows.Row(i);
            for (int j = 0; j < ProductRows.Purchase + 3; j++)
            {
                row[j] = i * 100 + j;
            }

            rows.SetAttributes(i, new ItemAttributes(0x0102_0304_0506_0708UL * (ulong)(i + 1)));
        }

        for (int i = 0; i < products; i++)
        {
            var row = rows.Row(i);
            Assert.Equal(ProductRows.Floats, row.Length);
            for (int j = 0; j < ProductRows.Purchase + 3; j++)
            {
                Assert.Equal(i * 100 + j, row[j]);
            }

            Assert.Equal(0x0102_0304_0506_0708UL * (ulong)(i + 1), ProductRows.Attributes(row).Packed);
            Assert.Equal(0, rows.Address(i) % 64);
        }
    }
}
