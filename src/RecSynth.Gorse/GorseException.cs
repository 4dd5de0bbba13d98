using System.Net;

namespace RecSynth.Gorse;

/// <summary>Gorse answered with an error status; <see cref="Exception.Message"/> names the call, the status and Gorse's own text.</summary>
public sealed class GorseException : Exception
{
    /// <summary>Creates the exception for a call that Gorse refused.</summary>
    public GorseException(HttpStatusCode statusCode, string serverMessage, string request)
        : base($"Gorse answered {(int)statusCode} {statusCode} to {request}: {(serverMessage.Length == 0 ? "(no message)" : serverMessage)}"
            + (statusCode == HttpStatusCode.TooManyRequests
                ? " — the server's API quota is spent (Gorse's only 429; it lasts until the quota resets): not retried; raise or lift the quota, or wait"
                : ""))
    {
        StatusCode = statusCode;
        ServerMessage = serverMessage;
        Request = request;
    }

    /// <summary>Creates the exception.</summary>
    public GorseException()
        : this(HttpStatusCode.InternalServerError, "", "")
    {
    }

    /// <summary>Creates the exception.</summary>
    public GorseException(string message)
        : base(message)
    {
        ServerMessage = "";
        Request = "";
    }

    /// <summary>Creates the exception.</summary>
    public GorseException(string message, Exception innerException)
        : base(message, innerException)
    {
        ServerMessage = "";
        Request = "";
    }

    /// <summary>The HTTP status.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>Gorse's plain-text error body, e.g. <c>unauthorized</c>.</summary>
    public string ServerMessage { get; }

    /// <summary>The method and path, e.g. <c>PUT /api/feedback</c>.</summary>
    public string Request { get; }
}
