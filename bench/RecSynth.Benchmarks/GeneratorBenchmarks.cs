using BenchmarkDotNet.Attributes;
using RecSynth.Catalog;
using RecSynth.Configuration;
using RecSynth.Users;

namespace RecSynth.Benchmarks;

/// <summary>Drawing one product or one user from (seed, index).</summary>
public class GeneratorBenchmarks
{
    private const int Count = 10_000;
    private CatalogModel _catalog = null!;
    private UserModel _users = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new RecSynthOptions();
        _catalog = new CatalogModel(options);
        _users = new UserModel(options);
    }

    [Benchmark(OperationsPerInvoke = Count)]
    public double CreateItem()
    {
        double sum = 0;
        for (int i = 0; i < Count; i++)
        {
            sum += _catalog.CreateItem(i).Price;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Count)]
    public double CreateUser()
    {
        double sum = 0;
        for (int i = 0; i < Count; i++)
        {
            sum += _users.CreateUser(i).Activity;
        }

        return sum;
    }
}
