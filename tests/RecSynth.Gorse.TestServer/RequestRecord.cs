namespace RecSynth.Gorse.TestServer;

/// <summary>One request the server received.</summary>
/// <param name="Method">GET, POST, PUT, DELETE.</param>
/// <param name="Path">The path, e.g. /api/feedback.</param>
/// <param name="Status">The status answered (0 when the connection was dropped).</param>
/// <param name="Fault">The fault injected, if any.</param>
/// <param name="Rows">Rows in the body of a batch write (0 otherwise).</param>
/// <param name="FirstKey">The key of the body's first row: a user or item id, or type/user/item.</param>
/// <param name="ReceivedAt">When it arrived (server clock).</param>
/// <param name="ApiKey">Whether the request carried an X-API-Key header.</param>
public sealed record RequestRecord(string Method, string Path, int Status, FaultKind Fault, int Rows, string? FirstKey, DateTimeOffset ReceivedAt, bool ApiKey)
{
    /// <summary>The query string, with its leading '?' ("" without one).</summary>
    public string Query { get; init; } = "";
}
