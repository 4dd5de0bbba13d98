namespace RecSynth.Testing;

/// <summary>Whether the tests run in CI (.ci/run sets CI=true): there, a missing external tool fails a test instead of skipping it.</summary>
internal static class Ci
{
    public static bool IsRunning => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}
