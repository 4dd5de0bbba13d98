using Spectre.Console;

namespace RecSynth.Cli.Rendering;

/// <summary>The two consoles: results on stdout, progress and errors on stderr.</summary>
internal sealed class Consoles
{
    public Consoles(TextWriter stdout, TextWriter stderr)
    {
        StdOut = stdout;
        StdErr = stderr;
        bool outIsTerminal = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        ErrIsTerminal = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
        Out = Create(stdout, outIsTerminal);
        Err = Create(stderr, ErrIsTerminal);
    }

    /// <summary>Colours and line-wrapping only on a terminal: a pipe or file gets plain, unwrapped text for scripts.</summary>
    private static IAnsiConsole Create(TextWriter writer, bool terminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            console.Profile.Width = 4096;
        }

        return console;
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
