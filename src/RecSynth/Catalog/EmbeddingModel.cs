using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RecSynth.Configuration;
using RecSynth.Internals;

namespace RecSynth.Catalog;

/// <summary>
/// Image embeddings (docs/design.md §2.5). Prototypes for the global component, each category, each subcategory and
/// each (category, color | pattern | material | brand) pair are orthonormal (Gram–Schmidt on Gaussian vectors), so
/// two products' expected cosine is the sum of the weights of the prototypes they share. A product's vector is
/// <c>Σ √wₖ·prototypeₖ + √w_noise·z/√d</c>, normalised, where z is the product's own Gaussian noise.
/// </summary>
public sealed class EmbeddingModel
{
    private readonly ulong _seed;
    private readonly int _dimensions;
    private readonly int _half;
    private readonly float _noiseScale;
    private readonly int _colors;
    private readonly int _patterns;
    private readonly int _materials;
    private readonly int _brands;

    // Folded, pre-scaled prototype tables: each is [rows, dimensions].
    private readonly float[] _subcategoryTable; // global + category + subcategory, one row per subcategory
    private readonly float[] _colorTable;       // [categories × colors]
    private readonly float[] _patternTable;     // [categories × patterns]
    private readonly float[] _materialTable;    // [categories × materials]
    private readonly float[] _brandTable;       // [categories × brands]

    /// <summary>The embedding model of <paramref name="options"/>: its prototypes are drawn once, here.</summary>
    public EmbeddingModel(RecSynthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var e = options.Embedding;
        var vocabulary = new CatalogVocabulary(options.Catalog);
        _seed = (ulong)options.Seed;
        _dimensions = e.Dimensions;
        _half = _dimensions / 2; // validation keeps dimensions a multiple of 16
        _noiseScale = (float)Math.Sqrt(Math.Max(0, e.Noise) / _dimensions);
        int categories = vocabulary.Categories.Length;
        int subcategories = vocabulary.Subcategories.Length;
        _colors = vocabulary.Colors.Length;
        _patterns = vocabulary.Patterns.Length;
        _materials = vocabulary.Materials.Length;
        _brands = vocabulary.Brands.Length;

        int d = _dimensions;
        int count = OptionsValidator.PrototypeCount(options.Catalog);
        double[] prototypes = Orthonormal(count, d); // [count, d]
        int globalRow = 0, categoryRow = 1, subcategoryRow = categoryRow + categories;
        int colorRow = subcategoryRow + subcategories;
        int patternRow = colorRow + categories * _colors;
        int materialRow = patternRow + categories * _patterns;
        int brandRow = materialRow + categories * _materials;

        _subcategoryTable = new float[subcategories * d];
        for (int s = 0; s < subcategories; s++)
        {
            int c = vocabulary.SubcategoryCategory[s];
            for (int k = 0; k < d; k++)
            {
                _subcategoryTable[s * d + k] = (float)(
                    Math.Sqrt(e.Global) * prototypes[globalRow * d + k]
                    + Math.Sqrt(e.Category) * prototypes[(categoryRow + c) * d + k]
                    + Math.Sqrt(e.Subcategory) * prototypes[(subcategoryRow + s) * d + k]);
            }
        }

        _colorTable = Scaled(prototypes, colorRow, categories * _colors, d, e.Color);
        _patternTable = Scaled(prototypes, patternRow, categories * _patterns, d, e.Pattern);
        _materialTable = Scaled(prototypes, materialRow, categories * _materials, d, e.Material);
        _brandTable = Scaled(prototypes, brandRow, categories * _brands, d, e.Brand);
    }

    /// <summary>Length of a product's embedding.</summary>
    public int Dimensions => _dimensions;

    /// <summary>
    /// Writes the product's unit vector into <paramref name="destination"/> [dimensions]: one fused pass that
    /// draws the noise and sums the prototype rows, then one that normalises.
    /// </summary>
    public void Compose(in Item item, Span<float> destination)
    {
        int d = _dimensions;
        int half = _half;
        destination = destination[..d];
        var (keyLow, keyHigh) = NoiseKey(item.Index);
        int c = item.Category;
        var scale = Vector256.Create(_noiseScale);
        var squares = Vector256<float>.Zero;

        // Unchecked loads: every row has `d` floats and k + 8 <= half <= d (d is a multiple of 16).
        ref float output = ref MemoryMarshal.GetReference(destination);
        ref float sub = ref RowStart(_subcategoryTable, item.Subcategory);
        ref float color = ref RowStart(_colorTable, c * _colors + item.Color);
        ref float pattern = ref RowStart(_patternTable, c * _patterns + item.Pattern);
        ref float material = ref RowStart(_materialTable, c * _materials + item.Material);
        ref float brand = ref RowStart(_brandTable, c * _brands + item.Brand);
        for (int k = 0; k < half; k += GaussianKernel.Lanes)
        {
            var (cos, sin) = GaussianKernel.Pairs((uint)k, (uint)half, keyLow, keyHigh);
            nuint lowAt = (nuint)k;
            nuint highAt = (nuint)(k + half);
            var low = Sum(ref sub, ref color, ref pattern, ref material, ref brand, lowAt) + cos * scale;
            var high = Sum(ref sub, ref color, ref pattern, ref material, ref brand, highAt) + sin * scale;
            low.StoreUnsafe(ref output, lowAt);
            high.StoreUnsafe(ref output, highAt);
            squares += low * low + high * high;
        }

        // Sum the lanes in a fixed order so the norm, like everything else, is the same on every machine.
        float norm = 0;
        for (int lane = 0; lane < GaussianKernel.Lanes; lane++)
        {
            norm += squares.GetElement(lane);
        }

        var inverse = Vector256.Create(1f / MathF.Sqrt(norm));
        for (nuint k = 0; k < (nuint)d; k += GaussianKernel.Lanes)
        {
            (Vector256.LoadUnsafe(ref output, k) * inverse).StoreUnsafe(ref output, k);
        }
    }

    /// <summary>The straightforward scalar version of <see cref="Compose"/>, in double precision, for tests.</summary>
    internal void ComposeReference(in Item item, Span<double> destination)
    {
        int d = _dimensions;
        var (keyLow, keyHigh) = NoiseKey(item.Index);
        double norm = 0;
        for (int pair = 0; pair < _half; pair++)
        {
            var (cos, sin) = GaussianKernel.Pair((uint)pair, (uint)_half, keyLow, keyHigh);
            norm += Set(destination, item, pair, cos) + Set(destination, item, pair + _half, sin);
        }

        norm = Math.Sqrt(norm);
        for (int k = 0; k < d; k++)
        {
            destination[k] /= norm;
        }
    }

    /// <summary>Component k of the reference vector before normalisation; returns its square.</summary>
    private double Set(Span<double> destination, in Item item, int k, double z)
    {
        int d = _dimensions;
        int c = item.Category;
        double x = (double)_subcategoryTable[item.Subcategory * d + k]
            + _colorTable[(c * _colors + item.Color) * d + k]
            + _patternTable[(c * _patterns + item.Pattern) * d + k]
            + _materialTable[(c * _materials + item.Material) * d + k]
            + _brandTable[(c * _brands + item.Brand) * d + k]
            + (double)_noiseScale * z;
        destination[k] = x;
        return x * x;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Sum(ref float a, ref float b, ref float c, ref float d, ref float e, nuint k) =>
        Vector256.LoadUnsafe(ref a, k) + Vector256.LoadUnsafe(ref b, k) + Vector256.LoadUnsafe(ref c, k)
        + Vector256.LoadUnsafe(ref d, k) + Vector256.LoadUnsafe(ref e, k);

    private ref float RowStart(float[] table, int row) => ref table[row * _dimensions];

    private (uint Low, uint High) NoiseKey(int index)
    {
        var random = new EntityRandom(_seed, RandomStream.ItemEmbedding, index);
        ulong key = random.NextUInt64();
        return ((uint)key, (uint)(key >> 32));
    }


    private static float[] Scaled(double[] prototypes, int firstRow, int rows, int d, double weight)
    {
        var table = new float[rows * d];
        double scale = Math.Sqrt(weight);
        for (int i = 0; i < rows * d; i++)
        {
            table[i] = (float)(scale * prototypes[firstRow * d + i]);
        }

        return table;
    }

    /// <summary>
    /// Writes the product's unit vector in double precision: the same vector as <see cref="Compose"/>, widened and
    /// re-normalised in double (a fixed summation order, so the bits do not depend on the machine's vector width), so
    /// that the row has unit norm to float64 accuracy. <paramref name="scratch"/> holds <see cref="Dimensions"/> floats.
    /// </summary>
    public void ComposeFloat64(in Item item, Span<double> destination, Span<float> scratch)
    {
        Compose(item, scratch);
        Widen(scratch[.._dimensions], destination);
    }

    /// <summary>
    /// The float64 row of a composed float32 embedding (<see cref="Compose"/>): widened and re-normalised in double with
    /// a fixed summation order, the row <see cref="ComposeFloat64"/> writes.
    /// </summary>
    public static void Widen(ReadOnlySpan<float> composed, Span<double> destination)
    {
        int d = composed.Length;
        var row = destination[..d];
        for (int k = 0; k < d; k++)
        {
            row[k] = composed[k];
        }

        double norm = Math.Sqrt(Dot(row, row));
        for (int k = 0; k < d; k++)
        {
            row[k] /= norm;
        }
    }

    /// <summary>
    /// A dot product with a fixed summation order: four running sums (lanes k mod 4), added up lane by lane. The
    /// library's vector reductions sum in an order that depends on the machine's vector width, and the prototypes feed
    /// every embedding bit for bit; Vector256 with separate multiply and add is the same arithmetic everywhere
    /// (emulated where there is no hardware for it).
    /// </summary>
    internal static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sums = Vector256<double>.Zero;
        int k = 0;
        for (; k <= a.Length - 4; k += 4)
        {
            sums += Vector256.Create(a[k..]) * Vector256.Create(b[k..]);
        }

        double sum = sums.GetElement(0) + sums.GetElement(1) + sums.GetElement(2) + sums.GetElement(3);
        for (; k < a.Length; k++)
        {
            sum += a[k] * b[k];
        }

        return sum;
    }

    /// <summary>v -= scale · u, element by element (the same bits whatever the vector width).</summary>
    internal static void SubtractScaled(Span<double> v, ReadOnlySpan<double> u, double scale)
    {
        var factor = Vector256.Create(scale);
        int k = 0;
        for (; k <= v.Length - 4; k += 4)
        {
            (Vector256.Create<double>(v[k..]) - factor * Vector256.Create(u[k..])).CopyTo(v[k..]);
        }

        for (; k < v.Length; k++)
        {
            v[k] -= scale * u[k];
        }
    }

    /// <summary>Gaussian vectors made orthonormal by modified Gram–Schmidt (random Gaussian vectors are well conditioned, so one pass leaves them orthogonal to ~1e-15). [count, d]</summary>
    private double[] Orthonormal(int count, int d)
    {
        var q = new double[count * d];
        for (int p = 0; p < count; p++)
        {
            var random = new EntityRandom(_seed, RandomStream.Prototypes, p);
            for (int k = 0; k < d; k++)
            {
                q[p * d + k] = random.NextNormal();
            }
        }

        for (int p = 0; p < count; p++)
        {
            var v = q.AsSpan(p * d, d);
            for (int j = 0; j < p; j++)
            {
                var u = q.AsSpan(j * d, d);
                SubtractScaled(v, u, Dot(u, v));
            }

            double norm = Math.Sqrt(Dot(v, v));
            for (int k = 0; k < d; k++)
            {
                v[k] /= norm;
            }
        }

        return q;
    }
}
