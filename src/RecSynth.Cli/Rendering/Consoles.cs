using Spectre.Console;

namespace RecSynth.Cli.Rendering;

/// <summary>The two consoles: results on stdout, progress and errors on stderr.</summary>
internal sealed class Consoles
{
    public Consoles(TextWriter stdout, TextWriter stderr)
    {
        StdOut = stdout;
        StdErr = stderr;
        Out = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
        Err = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stderr) });
        ErrIsTerminal = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected && Err.Profile.Capabilities.Interactive;
    }

    public IAnsiConsole Out { get; }

    public IAnsiConsole Err { get; }

    public TextWriter StdOut { get; }

    public TextWriter StdErr { get; }

    public bool ErrIsTerminal { get; }

    public void Error(string message)
    {
        StdErr.WriteLine("recsynth: error: " + message);
        StdErr.Flush();
    }
}
