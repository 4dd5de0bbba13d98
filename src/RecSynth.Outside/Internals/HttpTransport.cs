using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace RecSynth.Outside.Internals;

/// <summary>
/// http: each message POSTed as <c>application/json</c> to <c>BASE/TYPE</c>; 200 with the answer is success. 5xx, 429,
/// attempt time-outs and dropped connections are retried with exponential back-off and jitter, the same body (so the
/// same request_id) each time; any other status stops the run at once with the answer's text.
/// </summary>
internal sealed class HttpTransport : IOutsideTransport
{
    private static readonly MediaTypeHeaderValue s_json = new("application/json");

    private readonly HttpClient _http;
    private readonly ResiliencePipeline<Answer> _pipeline;
    private readonly string _base;
    private readonly TimeSpan _timeout;
    private readonly CancellationToken _cancellation;

    public HttpTransport(Uri endpoint, OutsidePolicyOptions options)
    {
        _base = endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        _timeout = options.Timeout;
        _cancellation = options.Cancellation;

        // Retry outside, time-out inside: each attempt has its own time-out, and a timed-out attempt is retried.
        var builder = new ResiliencePipelineBuilder<Answer>();
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<Answer>
            {
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException or IOException or TimeoutRejectedException } => true,
                    { Exception: null, Result: { } answer } => IsTransient(answer.Status),
                    _ => false,
                }),
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
            });
        }

        _pipeline = builder.AddTimeout(options.Timeout).Build();

        // A redirect would turn the POST into a GET: the policy's URL is to be given as it is.
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public ReadOnlyMemory<byte> Send(ReadOnlyMemory<byte> message, MessageLabel label)
    {
        var request = new Request(_http, new Uri(_base + "/" + label.Type), message);
        Answer answer;
        try
        {
            answer = _pipeline.ExecuteAsync(static (request, token) => request.SendAsync(token), request, _cancellation).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TimeoutRejectedException && !_cancellation.IsCancellationRequested)
        {
            string cause = e is TimeoutRejectedException ? $"got no answer within {Seconds(_timeout)} (the policy time-out)" : "got no answer: " + Describe(e);
            throw label.Problem($"POST {request.Uri} {Failed(request.Attempts)}{cause}", e);
        }

        if (answer.Status == (int)HttpStatusCode.OK)
        {
            return answer.Body;
        }

        string status = string.Create(CultureInfo.InvariantCulture, $"{answer.Status} {answer.Reason}").TrimEnd();
        string text = AnswerReader.Trim(Encoding.UTF8.GetString(answer.Body));
        throw label.Problem($"POST {request.Uri} {(IsTransient(answer.Status) ? Failed(request.Attempts) : "")}answered {status}: {(text.Length == 0 ? "(no text)" : text)}");
    }

    public void Close()
    {
    }

    public void Dispose() => _http.Dispose();

    private static bool IsTransient(int status) => status >= 500 || status == (int)HttpStatusCode.TooManyRequests;

    /// <summary>"failed 6 times; the last time it ", or nothing after a single attempt.</summary>
    private static string Failed(int attempts) =>
        attempts > 1 ? string.Create(CultureInfo.InvariantCulture, $"failed {attempts} times; the last time it ") : "";

    private static string Describe(Exception e) =>
        e.InnerException is { } inner && inner.Message != e.Message ? $"{e.Message} ({inner.Message})" : e.Message;

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    /// <summary>A status and a body: what one attempt came to.</summary>
    private sealed record Answer(int Status, string Reason, byte[] Body);

    /// <summary>One message: the same body for every attempt.</summary>
    private sealed class Request(HttpClient http, Uri uri, ReadOnlyMemory<byte> body)
    {
        public Uri Uri => uri;

        public int Attempts { get; private set; }

        public async ValueTask<Answer> SendAsync(CancellationToken cancellationToken)
        {
            Attempts++;
            using var message = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ReadOnlyMemoryContent(body) };
            message.Content.Headers.ContentType = s_json;
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            byte[] answer = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return new Answer((int)response.StatusCode, response.ReasonPhrase ?? "", answer);
        }
    }
}
