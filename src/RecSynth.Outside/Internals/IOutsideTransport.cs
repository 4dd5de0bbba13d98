namespace RecSynth.Outside.Internals;

/// <summary>How messages reach an outside policy: a child's stdin and stdout, or HTTP.</summary>
internal interface IOutsideTransport : IDisposable
{
    /// <summary>
    /// Sends one message (a JSON object, without a line end) and returns the answer's text (UTF-8), valid until the next
    /// call. A transport that fails (no answer in time, the child gone, a refused request) throws an
    /// <see cref="OutsidePolicyException"/> labelled with <paramref name="label"/>.
    /// </summary>
    ReadOnlyMemory<byte> Send(ReadOnlyMemory<byte> message, MessageLabel label);

    /// <summary>After <c>end</c> was answered: lets the policy go (a child gets the end of its input and a while to exit).</summary>
    void Close();
}
