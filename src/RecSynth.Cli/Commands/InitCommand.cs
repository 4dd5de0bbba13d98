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

            if (Directory.Exists(path))
            {
                throw new DatasetUsageException($"{path} is a folder; give a file name with -o");
            }

            if (File.Exists(path) && !result.GetValue(force))
            {
                throw new DatasetUsageException($"{path} already exists; use --force to overwrite it");
            }

            string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder is not null && !Directory.Exists(folder))
            {
                throw new IOException($"cannot write {path}: the folder {folder} does not exist");
            }

            // Written next to the target under a fresh name and renamed, so an interrupted init never leaves half a config.
            string temporary = Path.Combine(folder ?? ".", "." + Path.GetFileName(path) + "." + Path.GetRandomFileName() + ".tmp");
            try
            {
                await File.WriteAllTextAsync(temporary, text, cancellationToken).ConfigureAwait(false);
                File.Move(temporary, path, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or OperationCanceledException)
            {
                try
                {
                    File.Delete(temporary);
                }
                catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
                {
                    // the write failure is the one to report
                }

                throw e is OperationCanceledException ? e : new IOException($"cannot write {path}: {e.Message}", e);
            }
            await console.StdOut.WriteLineAsync($"Wrote {path} ({name} preset). Generate with: recsynth generate -c {path}").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
