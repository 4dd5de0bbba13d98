// An outside policy for RecSynth: protocol version 1, exec transport, arm mode. RecSynth starts this program, writes
// one JSON message per line on its stdin and reads one answer per line from its stdout (README.md).
//
//   RecSynth.Examples.OutsidePolicy fixed ARM    always ARM, propensity 1
//   RecSynth.Examples.OutsidePolicy uniform      an arm uniformly at random, propensity 1/k
//   RecSynth.Examples.OutsidePolicy thompson     Thompson sampling, Beta(1, 1) prior per user and arm

using RecSynth.Examples.OutsidePolicy;

PolicyFactory? factory = args switch
{
    ["fixed", var arm] => new PolicyFactory($"fixed-{arm}", (arms, _) => new FixedArmPolicy(arms, arm)),
    ["uniform"] => new PolicyFactory("uniform", (arms, seed) => new UniformPolicy(arms, seed)),
    ["thompson"] => new PolicyFactory("thompson", (arms, seed) => new ThompsonPolicy(arms, seed)),
    _ => null,
};
if (factory is null)
{
    Console.Error.WriteLine("usage: RecSynth.Examples.OutsidePolicy fixed ARM | uniform | thompson");
    return 2;
}

// The answers go to the raw stdout stream; anything written to Console.Out (a debugging line) goes to stderr instead
// of breaking the one-answer-per-line rule.
using var output = new BufferedStream(Console.OpenStandardOutput(), 1 << 16);
Console.SetOut(Console.Error);
using var input = Console.OpenStandardInput();
try
{
    ExecTransport.Run(input, output, new Conversation(factory));
}
catch (IOException e)
{
    // RecSynth went away mid-run (a broken pipe): it reports that itself.
    Console.Error.WriteLine($"csharp-{factory.Name}: {e.Message}");
    return 1;
}

return 0;
