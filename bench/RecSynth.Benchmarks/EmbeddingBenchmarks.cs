using BenchmarkDotNet.Attributes;
using RecSynth.Catalog;
using RecSynth.Configuration;

namespace RecSynth.Benchmarks;

/// <summary>The embedding kernel: the fused vectorised composition against the plain scalar reference.</summary>
[MemoryDiagnoser]
public class EmbeddingBenchmarks
{
    private const int Items = 1_000;
    private Item[] _items = [];
    private EmbeddingModel _model = null!;
    private float[] _vector = [];
    private double[] _reference = [];

    [GlobalSetup]
    public void Setup()
    {
        var options = new RecSynthOptions() with { Catalog = new CatalogOptions { Count = Items } };
        var catalog = new CatalogModel(options);
        _items = [.. Enumerable.Range(0, Items).Select(catalog.CreateItem)];
        _model = new EmbeddingModel(options);
        _vector = new float[_model.Dimensions];
        _reference = new double[_model.Dimensions];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Items, Description = "reference (scalar, double)")]
    public double Reference()
    {
        double sum = 0;
        foreach (var item in _items)
        {
            _model.ComposeReference(item, _reference);
            sum += _reference[0];
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Items, Description = "Compose (Vector256, fused)")]
    public float Fast()
    {
        float sum = 0;
        foreach (var item in _items)
        {
            _model.Compose(item, _vector);
            sum += _vector[0];
        }

        return sum;
    }
}
