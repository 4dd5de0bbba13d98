using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using RecSynth.Gorse.Internals;

namespace RecSynth.Gorse;

/// <summary>
/// A typed client of Gorse's REST API: batched inserts, cursor-paged reads, recommendations and health. Transient
/// failures (5xx, 429 honouring Retry-After, timeouts, dropped connections) are retried with exponential backoff and
/// jitter, each retry reported to <see cref="GorseClientOptions.OnRetry"/>; any other 4xx fails at once with a
/// <see cref="GorseException"/>, as does a transient failure that outlasts the retries. The health check is never retried.
/// </summary>
public sealed class GorseClient : IDisposable
{
    private static readonly MediaTypeHeaderValue s_json = new("application/json");

    /// <summary>The longest a health check waits: it is there to find out at once whether a server answers.</summary>
    private static readonly TimeSpan s_healthTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The shortest a health check waits, however short the attempt timeout.</summary>
    private static readonly TimeSpan s_shortestHealthTimeout = TimeSpan.FromSeconds(2);
    private readonly HttpClient _http;

    /// <summary>The same connections without the retries (or the caller's client as it is), for the health check.</summary>
    private readonly HttpClient _once;
    private readonly bool _ownsHttp;
    private long _retries;

    /// <summary>Creates a client with its own connection pool and retry policy.</summary>
    public GorseClient(GorseClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Retry outside, timeout inside: each attempt has its own timeout, and a timed-out attempt is retried.
        // Retried: 5xx, 408, HttpRequestException (refused or dropped connections) and attempt timeouts; a 429 only
        // with Retry-After (a proxy's throttling). Gorse's own 429 has none: it is the API quota, spent until it resets
        // (docs/gorse.md), so retrying only wastes the time. Any other 4xx is Gorse's final word.
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } throttled
                    ? throttled.Headers.RetryAfter is not null
                    : HttpClientResiliencePredicates.IsTransient(args.Outcome)),
                OnRetry = args =>
                {
                    Interlocked.Increment(ref _retries);
                    options.OnRetry?.Invoke(new GorseRetry(
                        Describe(args.Context.GetRequestMessage()), Describe(args.Outcome, options.AttemptTimeout), args.AttemptNumber + 1, options.MaxRetries, args.RetryDelay));
                    return default;
                },
            });
        }

        var pipeline = builder.AddTimeout(options.AttemptTimeout).Build();
        var sockets = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 64,
            AutomaticDecompression = DecompressionMethods.None,
        };
        _http = new HttpClient(new ResilienceHandler(pipeline) { InnerHandler = sockets }, disposeHandler: true)
        {
            BaseAddress = options.Endpoint,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _once = new HttpClient(sockets, disposeHandler: false)
        {
            BaseAddress = options.Endpoint,
            // The attempt timeout, but at least 2 s: a server's first answer after its start can take that long on a busy machine.
            Timeout = TimeSpan.FromTicks(Math.Clamp(options.AttemptTimeout.Ticks, s_shortestHealthTimeout.Ticks, s_healthTimeout.Ticks)),
        };
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            // Gorse's health check wants no key, but a proxy in front of it may.
            _http.DefaultRequestHeaders.Add("X-API-Key", options.ApiKey);
            _once.DefaultRequestHeaders.Add("X-API-Key", options.ApiKey);
        }

        _ownsHttp = true;
        Endpoint = options.Endpoint;
    }

    /// <summary>Uses a caller's <see cref="HttpClient"/> (its base address set to the server) as it is: no retries are added.</summary>
    public GorseClient(HttpClient httpClient)
    {
        _http = httpClient ?? throw new ArgumentNullException(nameof(httpClient));
        _once = httpClient;
        Endpoint = httpClient.BaseAddress ?? throw new ArgumentException("the HttpClient needs a BaseAddress (the Gorse server)", nameof(httpClient));
    }

    /// <summary>The server this client talks to.</summary>
    public Uri Endpoint { get; }

    /// <summary>Retries made so far by this client (all calls).</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary><c>POST /api/users</c>: inserts or overwrites users (within a batch, the first of a duplicate id wins).</summary>
    public Task<long> InsertUsersAsync(IReadOnlyList<GorseUser> users, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Post, "api/users", AsList(users), GorseJson.Default.ListGorseUser, cancellationToken);

    /// <summary><c>POST /api/items</c>: inserts or overwrites items (every field, so always send the timestamp).</summary>
    public Task<long> InsertItemsAsync(IReadOnlyList<GorseItem> items, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Post, "api/items", AsList(items), GorseJson.Default.ListGorseItem, cancellationToken);

    /// <summary><c>PUT /api/feedback</c>: inserts or overwrites feedback, so a retried batch changes nothing.</summary>
    public Task<long> PutFeedbackAsync(IReadOnlyList<GorseFeedback> feedback, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Put, "api/feedback", AsList(feedback), GorseJson.Default.ListGorseFeedback, cancellationToken);

    /// <summary><c>POST /api/feedback</c>: inserts feedback, adding each value to a stored one (not idempotent).</summary>
    public Task<long> InsertFeedbackAsync(IReadOnlyList<GorseFeedback> feedback, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Post, "api/feedback", AsList(feedback), GorseJson.Default.ListGorseFeedback, cancellationToken);

    /// <summary><c>DELETE /api/user/{id}</c> (also deletes the user's feedback).</summary>
    public Task DeleteUserAsync(string userId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"api/user/{Escape(userId)}", null, null, cancellationToken);

    /// <summary><c>DELETE /api/item/{id}</c> (also deletes the item's feedback).</summary>
    public Task DeleteItemAsync(string itemId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"api/item/{Escape(itemId)}", null, null, cancellationToken);

    /// <summary><c>DELETE /api/feedback/{type}/{user}/{item}</c>.</summary>
    public Task DeleteFeedbackAsync(string feedbackType, string userId, string itemId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"api/feedback/{Escape(feedbackType)}/{Escape(userId)}/{Escape(itemId)}", null, null, cancellationToken);

    /// <summary><c>GET /api/users?n=&amp;cursor=</c>: one page.</summary>
    public async Task<GorsePage<GorseUser>> GetUsersAsync(int n, string cursor = "", CancellationToken cancellationToken = default)
    {
        var page = await GetAsync($"api/users?{PageQuery(n, cursor)}", GorseJson.Default.UsersPage, cancellationToken).ConfigureAwait(false);
        return new(page?.Users ?? [], page?.Cursor ?? "");
    }

    /// <summary><c>GET /api/items?n=&amp;cursor=</c>: one page.</summary>
    public async Task<GorsePage<GorseItem>> GetItemsAsync(int n, string cursor = "", CancellationToken cancellationToken = default)
    {
        var page = await GetAsync($"api/items?{PageQuery(n, cursor)}", GorseJson.Default.ItemsPage, cancellationToken).ConfigureAwait(false);
        return new(page?.Items ?? [], page?.Cursor ?? "");
    }

    /// <summary><c>GET /api/feedback?n=&amp;cursor=</c> (or <c>/api/feedback/{type}</c>): one page.</summary>
    public async Task<GorsePage<GorseFeedback>> GetFeedbackAsync(int n, string cursor = "", string? feedbackType = null, CancellationToken cancellationToken = default)
    {
        string path = feedbackType is null ? "api/feedback" : $"api/feedback/{Escape(feedbackType)}";
        var page = await GetAsync($"{path}?{PageQuery(n, cursor)}", GorseJson.Default.FeedbackPage, cancellationToken).ConfigureAwait(false);
        return new(page?.Feedback ?? [], page?.Cursor ?? "");
    }

    /// <summary>Every user, page by page.</summary>
    public IAsyncEnumerable<GorseUser> ReadAllUsersAsync(int pageSize = 1000, CancellationToken cancellationToken = default) =>
        ReadAllAsync((cursor, token) => GetUsersAsync(pageSize, cursor, token), cancellationToken);

    /// <summary>Every item, page by page.</summary>
    public IAsyncEnumerable<GorseItem> ReadAllItemsAsync(int pageSize = 1000, CancellationToken cancellationToken = default) =>
        ReadAllAsync((cursor, token) => GetItemsAsync(pageSize, cursor, token), cancellationToken);

    /// <summary>Every feedback, page by page.</summary>
    public IAsyncEnumerable<GorseFeedback> ReadAllFeedbackAsync(int pageSize = 1000, CancellationToken cancellationToken = default) =>
        ReadAllAsync((cursor, token) => GetFeedbackAsync(pageSize, cursor, null, token), cancellationToken);

    /// <summary><c>GET /api/recommend/{user}</c> with <c>X-API-Version: 2</c>: recommended items with their scores.</summary>
    public Task<IReadOnlyList<GorseScore>> RecommendAsync(string userId, int n = 10, int offset = 0, IEnumerable<string>? categories = null, CancellationToken cancellationToken = default)
    {
        string query = ListQuery(n, offset) + string.Concat((categories ?? []).Select(c => "&category=" + Uri.EscapeDataString(c)));
        return ScoresAsync($"api/recommend/{Escape(userId)}?{query}", version2: true, cancellationToken);
    }

    /// <summary><c>GET /api/item-to-item/{name}/{item}</c>: the named item-to-item recommender's neighbours.</summary>
    public Task<IReadOnlyList<GorseScore>> ItemToItemAsync(string name, string itemId, int n = 10, int offset = 0, CancellationToken cancellationToken = default) =>
        ScoresAsync($"api/item-to-item/{Escape(name)}/{Escape(itemId)}?{ListQuery(n, offset)}", version2: false, cancellationToken);

    /// <summary><c>GET /api/item/{item}/neighbors</c>: the first item-to-item recommender's neighbours.</summary>
    public Task<IReadOnlyList<GorseScore>> NeighborsAsync(string itemId, int n = 10, int offset = 0, CancellationToken cancellationToken = default) =>
        ScoresAsync($"api/item/{Escape(itemId)}/neighbors?{ListQuery(n, offset)}", version2: false, cancellationToken);

    /// <summary><c>GET /api/latest</c>: the newest items (score = Unix seconds of their timestamp).</summary>
    public Task<IReadOnlyList<GorseScore>> LatestAsync(int n = 10, int offset = 0, CancellationToken cancellationToken = default) =>
        ScoresAsync($"api/latest?{ListQuery(n, offset)}", version2: false, cancellationToken);

    /// <summary>
    /// Fails at once, with a message naming the server and what is wrong, unless the server answers that it is ready:
    /// what to call before a long job so that a wrong URL or a server still starting is known before any work is done.
    /// <paramref name="job"/> names the job for the message ("push once it is").
    /// </summary>
    /// <exception cref="GorseException">The server is unreachable, or not ready.</exception>
    public async Task EnsureReadyAsync(string job, CancellationToken cancellationToken = default)
    {
        var health = await HealthAsync(cancellationToken).ConfigureAwait(false);
        if (!health.Ready)
        {
            string stores = (health.DataStoreConnected, health.CacheStoreConnected) switch
            {
                (false, false) => "its data and cache stores are not connected",
                (false, true) => "its data store is not connected",
                (true, false) => "its cache store is not connected",
                _ => "it does not say why",
            };
            throw new GorseException($"Gorse at {Endpoint} is not ready: {stores} (GET /api/health/ready); {job} once it is");
        }
    }

    /// <summary>
    /// <c>GET /api/health/ready</c>: whether both stores answer (a 503 reads as not ready). One attempt without retries
    /// (and at most 10 s), so that a server that is not there is known at once. Gorse wants no API key for it.
    /// </summary>
    /// <exception cref="GorseException">No answer (connection refused, unknown host, time-out), or a status other than 200 and 503; the message names the server's URL.</exception>
    public async Task<GorseHealth> HealthAsync(CancellationToken cancellationToken = default)
    {
        HttpResponseMessage response;
        try
        {
            response = await _once.GetAsync("api/health/ready", HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unreachable(e.Message, e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unreachable(string.Create(CultureInfo.InvariantCulture, $"no answer within {_once.Timeout.TotalSeconds:0.###} s"), e);
        }

        using (response)
        {
            byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable))
            {
                throw Error(response.StatusCode, body, $"GET {Endpoint}api/health/ready");
            }

            try
            {
                return JsonSerializer.Deserialize(body, GorseJson.Default.GorseHealth) ?? new GorseHealth { Ready = response.IsSuccessStatusCode };
            }
            catch (JsonException)
            {
                return new GorseHealth { Ready = response.IsSuccessStatusCode };
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _once.Dispose();
            _http.Dispose();
        }
    }

    private async Task<long> WriteAsync<T>(HttpMethod method, string path, List<T> rows, JsonTypeInfo<List<T>> type, CancellationToken cancellationToken)
    {
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(rows, type);
        byte[] answer = await SendAsync(method, path, body, null, cancellationToken).ConfigureAwait(false);
        return Parse(answer, GorseJson.Default.Success, method, path)?.RowAffected ?? 0;
    }

    private async Task<T?> GetAsync<T>(string pathAndQuery, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        byte[] answer = await SendAsync(HttpMethod.Get, pathAndQuery, null, null, cancellationToken).ConfigureAwait(false);
        return Parse(answer, type, HttpMethod.Get, pathAndQuery);
    }

    private async Task<IReadOnlyList<GorseScore>> ScoresAsync(string pathAndQuery, bool version2, CancellationToken cancellationToken)
    {
        byte[] answer = await SendAsync(HttpMethod.Get, pathAndQuery, null, version2 ? "2" : null, cancellationToken).ConfigureAwait(false);
        return Parse(answer, GorseJson.Default.ListGorseScore, HttpMethod.Get, pathAndQuery) ?? [];
    }

    private async Task<byte[]> SendAsync(HttpMethod method, string pathAndQuery, byte[]? body, string? apiVersion, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = s_json;
        }

        if (apiVersion is not null)
        {
            request.Headers.Add("X-API-Version", apiVersion);
        }

        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            byte[] answer = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? answer : throw Error(response.StatusCode, answer, $"{method} /{PathOnly(pathAndQuery)}");
        }
        catch (Exception e) when (e is HttpRequestException or Polly.Timeout.TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
        {
            // The retries are spent (or there were none): no answer came back at all.
            throw new GorseException($"{method} /{PathOnly(pathAndQuery)} got no answer: {e.Message}", e);
        }
    }

    private GorseException Unreachable(string cause, Exception e) =>
        new($"cannot reach Gorse at {Endpoint}: {cause} (GET /api/health/ready); is the server running, and is the URL right?", e);

    /// <summary>"PUT /api/feedback": the request a retry repeats.</summary>
    private static string Describe(HttpRequestMessage? request) => request?.RequestUri is not { } uri
        ? "a request"
        : $"{request.Method} {(uri.IsAbsoluteUri ? uri.AbsolutePath : "/" + PathOnly(uri.OriginalString))}";

    /// <summary>What a failed attempt came to, as words that follow the request.</summary>
    private static string Describe(Outcome<HttpResponseMessage> outcome, TimeSpan attemptTimeout) => outcome switch
    {
        { Result: { } response } => string.Create(CultureInfo.InvariantCulture, $"answered {(int)response.StatusCode} {response.ReasonPhrase ?? response.StatusCode.ToString()}"),
        { Exception: Polly.Timeout.TimeoutRejectedException } => string.Create(CultureInfo.InvariantCulture, $"got no answer within {attemptTimeout.TotalSeconds:0.###} s"),
        { Exception: { } e } => "got no answer: " + e.Message,
        _ => "failed",
    };

    private static GorseException Error(HttpStatusCode status, byte[] body, string request) =>
        new(status, Encoding.UTF8.GetString(body).Trim(), request);

    private static T? Parse<T>(byte[] answer, JsonTypeInfo<T> type, HttpMethod method, string pathAndQuery)
    {
        try
        {
            return answer.Length == 0 ? default : JsonSerializer.Deserialize(answer, type);
        }
        catch (JsonException e)
        {
            throw new GorseException($"{method} /{PathOnly(pathAndQuery)}: the answer is not the JSON Gorse sends: {e.Message}", e);
        }
    }

    private static async IAsyncEnumerable<T> ReadAllAsync<T>(
        Func<string, CancellationToken, Task<GorsePage<T>>> page,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string cursor = "";
        do
        {
            var current = await page(cursor, cancellationToken).ConfigureAwait(false);
            foreach (var row in current.Rows)
            {
                yield return row;
            }

            cursor = current.Cursor;
        }
        while (cursor.Length > 0);
    }

    private static List<T> AsList<T>(IReadOnlyList<T> rows) => rows as List<T> ?? [.. rows];

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static string PathOnly(string pathAndQuery) => pathAndQuery.Split('?')[0];

    private static string PageQuery(int n, string cursor) =>
        string.Create(CultureInfo.InvariantCulture, $"n={n}&cursor={Uri.EscapeDataString(cursor)}");

    private static string ListQuery(int n, int offset) => string.Create(CultureInfo.InvariantCulture, $"n={n}&offset={offset}");
}
