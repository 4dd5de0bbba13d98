using System.Runtime.InteropServices;
using RecSynth.Cli;

using var cancellation = new CancellationTokenSource();
int interrupts = 0;
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C: stop cleanly (no partial dataset left). A second one kills the process.
    e.Cancel = Interlocked.Increment(ref interrupts) == 1;
    cancellation.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancellation.Cancel();
});

return await RecSynthApp.RunAsync(args, Console.Out, Console.Error, cancellation.Token).ConfigureAwait(false);
