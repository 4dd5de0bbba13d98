namespace RecSynth.Tests.Support;

/// <summary>Assertions over many entities that build a message only when something fails (fast on 100,000 rows).</summary>
internal static class Expect
{
    /// <summary>Asserts that <paramref name="holds"/> is true of every value; on failure lists the count and the first few.</summary>
    public static void All<T>(IEnumerable<T> values, Func<T, bool> holds, Func<T, string> describe, string what)
    {
        var failures = values.Where(v => !holds(v)).ToList();
        if (failures.Count > 0)
        {
            Assert.Fail($"{what}: {failures.Count} failures, e.g. " + string.Join("; ", failures.Take(5).Select(describe)));
        }
    }
}
