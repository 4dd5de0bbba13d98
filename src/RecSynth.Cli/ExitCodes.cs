namespace RecSynth.Cli;

/// <summary>The tool's exit codes (the System.CommandLine / BSD convention).</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int Cancelled = 130;
}
