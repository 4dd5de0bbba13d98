namespace RecSynth.Examples.OutsidePolicy;

/// <summary>A message this policy cannot answer: becomes the answer {"error": message}, which stops the run.</summary>
internal sealed class ProtocolException(string message) : Exception(message);
