using RecSynth.Configuration;

namespace RecSynth.Tests.Support;

/// <summary>Options of the default scenario with the sizes a test needs.</summary>
internal static class Scenario
{
    /// <summary>Unix seconds of the default start, 2023-01-01T00:00:00Z.</summary>
    public const long Start = 1_672_531_200;

    /// <summary>Unix seconds of the default end, 2024-01-01T00:00:00Z.</summary>
    public const long End = 1_704_067_200;

    public const long Day = 86_400;

    public static RecSynthOptions Defaults(int products = 1_000, int users = 1_000, long seed = 42) => new()
    {
        Seed = seed,
        Catalog = new CatalogOptions { Count = products },
        Users = new UserOptions { Count = users },
    };

    public static RecSynthOptions WithUsers(this RecSynthOptions options, Func<UserOptions, UserOptions> change) =>
        options with { Users = change(options.Users) };

    public static RecSynthOptions WithCatalog(this RecSynthOptions options, Func<CatalogOptions, CatalogOptions> change) =>
        options with { Catalog = change(options.Catalog) };
}
