using System.CommandLine;
using RecSynth.Cli.Rendering;
using RecSynth.Configuration;
using RecSynth.Files;
using RecSynth.Files.Config;

namespace RecSynth.Cli.Commands;

/// <summary><c>recsynth init</c>: writes a complete, commented config.</summary>
internal static class InitCommand
{
    public static Command Create(Consoles console)
    {
        var preset = new Option<string>("--preset")
        {
            Description = "Sizes to write: seed, small (the default), medium, large",
            HelpName = "NAME",
            DefaultValueFactory = _ => "small",
        };
        var output = new Option<string>("--output", "-o")
        {
            Description = "Where to write the config; - for stdout",
            HelpName = "FILE",
            DefaultValueFactory = _ => ConfigFile.DefaultName,
        };
        var force = new Option<bool>("--force", "-f") { Description = "Overwrite an existing file" };
        var command = new Command("init", "Write a complete, commented TOML config: every knob, its default and meaning.") { preset, output, force };
        command.SetAction(async (result, cancellationToken) =>
        {
            string presetText = result.GetValue(preset) ?? "small";
            string path = result.GetValue(output) ?? ConfigFile.DefaultName;
            var parsed = DatasetSettings.ParsePreset(presetText)
                ?? throw new OptionsException([new OptionProblem("--preset", presetText, "must be one of seed, small, medium, large")]);
            string name = parsed.ToString().ToLowerInvariant();
            string text = ConfigWriter.Render(RecSynthOptions.FromPreset(parsed), name);
            if (path == "-")
            {
                await console.StdOut.WriteAsync(text).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            ConfigOutput.CheckTarget(path, result.GetValue(force));
            await ConfigOutput.WriteAtomically(path, text, cancellationToken).ConfigureAwait(false);
            await console.StdOut.WriteLineAsync($"Wrote {path} ({name} preset). Generate with: recsynth generate -c {path}").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
