using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RecSynth.Gorse.TestServer;

/// <summary>
/// A Gorse-compatible REST server for tests (Gorse's REST API as of v0.5.11 and master): in memory, Kestrel on
/// 127.0.0.1 with a free port (or a given one), PascalCase JSON read case-insensitively, <c>X-API-Key</c> (401
/// <c>unauthorized</c>), plain-text error bodies, cursor paging, and injected faults on writes.
/// </summary>
public sealed class GorseTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RequestRecord> _requests = new();
    private readonly Lock _faultLock = new();
    private Random _faultStream;
    private GorseFaults _faults;
    private int _writes;

    private GorseTestServer(WebApplication app, string? apiKey, IReadOnlyList<string> itemToItem, GorseFaults faults)
    {
        _app = app;
        ApiKey = apiKey;
        ItemToItem = itemToItem;
        _faults = faults;
        _faultStream = new Random(faults.Seed);
    }

    /// <summary>The base address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The key every /api/ request but health must carry; null means open.</summary>
    public string? ApiKey { get; }

    /// <summary>Names of the item-to-item recommenders (embedding type on Labels.embedding); the first answers /api/item/{id}/neighbors.</summary>
    public IReadOnlyList<string> ItemToItem { get; }

    /// <summary>The data.</summary>
    public GorseStore Store { get; } = new();

    /// <summary>Every request so far, in order of completion.</summary>
    public IReadOnlyList<RequestRecord> Requests => [.. _requests];

    /// <summary>
    /// Benchmarks only: read each write's body and answer <c>RowAffected</c> without parsing or storing it, to measure
    /// what the client alone can send.
    /// </summary>
    public bool DiscardWrites { get; set; }

    /// <summary>
    /// The server's <c>recommend.cache_size</c> (Gorse's default 100): a recommend list holds at most this many CF items,
    /// and the fallback recommender (<c>latest</c>) fills the rest, as Gorse's logics/recommend.go does.
    /// </summary>
    public int CacheSize { get; set; } = 100;

    /// <summary>Gorse's <c>server.auto_insert_users</c> (default true): false drops feedback naming an unknown user, still counted in RowAffected.</summary>
    public bool AutoInsertUsers { get; set; } = true;

    /// <summary>Gorse's <c>server.auto_insert_items</c> (default true): false drops feedback naming an unknown item, still counted in RowAffected.</summary>
    public bool AutoInsertItems { get; set; } = true;

    /// <summary>Names of the user-to-user recommenders (embedding type on the users' Labels.embedding); none by default.</summary>
    public IReadOnlyList<string> UserToUser { get; set; } = [];

    /// <summary>Every (user, item) a recommend list served from the fallback, beyond <see cref="CacheSize"/>.</summary>
    public IReadOnlyCollection<(string User, string Item)> FallbackServed => [.. _fallback.Keys];

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string User, string Item), bool> _fallback = new();

    /// <summary>Whether <c>/api/health/ready</c> answers 503 with the data store not connected (as Gorse does when it cannot reach its database).</summary>
    public bool DataStoreDown { get; set; }

    /// <summary>The faults injected from now on (resets the seeded stream).</summary>
    public GorseFaults Faults
    {
        get => _faults;
        set
        {
            lock (_faultLock)
            {
                _faults = value;
                _faultStream = new Random(value.Seed);
                _writes = 0;
            }
        }
    }

    /// <summary>Starts a server on 127.0.0.1 and <paramref name="port"/> (0: a free port).</summary>
    public static async Task<GorseTestServer> StartAsync(string? apiKey = null, GorseFaults? faults = null, IReadOnlyList<string>? itemToItem = null, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, port);
            options.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var server = new GorseTestServer(app, apiKey, itemToItem ?? ["image_sim"], faults ?? GorseFaults.None);
        app.Run(server.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Endpoint = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var received = DateTimeOffset.UtcNow;
        var request = context.Request;
        string path = request.Path.Value ?? "/";
        bool hasKey = request.Headers.ContainsKey("X-API-Key");
        var faults = _faults;
        if (faults.Latency > TimeSpan.Zero)
        {
            await Task.Delay(faults.Latency).ConfigureAwait(false);
        }

        int rows = 0;
        string? firstKey = null;
        var fault = FaultKind.None;
        try
        {
            string[] segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();

            // go-restful routes before the API's auth filter runs: an unknown path is 404, a known path with another
            // method 405, a body that is not JSON 415 (the web service consumes JSON only) — and only then 401.
            var methods = Methods(segments);
            if (methods.Length == 0)
            {
                await TextAsync(context, 404, "404: Page Not Found").ConfigureAwait(false);
                return;
            }

            if (!methods.Contains(request.Method, StringComparer.Ordinal))
            {
                await TextAsync(context, 405, "405: Method Not Allowed").ConfigureAwait(false);
                return;
            }

            if (request.Method is "POST" or "PUT" or "PATCH" && (segments is not [_, "item", _, "category", _])
                && (request.ContentType is not { } contentType || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)))
            {
                await TextAsync(context, 415, "415: Unsupported Media Type").ConfigureAwait(false);
                return;
            }

            if (ApiKey is not null && path.StartsWith("/api/", StringComparison.Ordinal) && !path.StartsWith("/api/health", StringComparison.Ordinal)
                && request.Headers["X-API-Key"].ToString() != ApiKey)
            {
                await TextAsync(context, 401, "unauthorized").ConfigureAwait(false);
                return;
            }

            switch (request.Method, segments)
            {
                case ("POST" or "PUT", ["api", "users" or "items" or "feedback"]):
                    (rows, firstKey, fault) = await WriteAsync(context, segments[1]).ConfigureAwait(false);
                    return;
                case ("POST", ["api", "user" or "item"]):
                    using (var one = await JsonDocument.ParseAsync(request.Body).ConfigureAwait(false))
                    {
                        var array = $"[{one.RootElement.GetRawText()}]";
                        using var rowsOfOne = JsonDocument.Parse(array);
                        if (segments[1] == "user")
                        {
                            Store.Store(GorseStore.ParseUsers(rowsOfOne.RootElement));
                        }
                        else
                        {
                            Store.Store(GorseStore.ParseItems(rowsOfOne.RootElement));
                        }
                    }

                    await JsonAsync(context, new JsonObject { ["RowAffected"] = 1 }).ConfigureAwait(false);
                    return;
                case ("PATCH", ["api", "user", var id]):
                    using (var patch = await JsonDocument.ParseAsync(request.Body).ConfigureAwait(false))
                    {
                        Store.PatchUser(id, patch.RootElement);
                    }

                    await JsonAsync(context, new JsonObject { ["RowAffected"] = 1 }).ConfigureAwait(false); // 1 even for an unknown user, as Gorse answers
                    return;
                case ("PATCH", ["api", "item", var id]):
                    using (var patch = await JsonDocument.ParseAsync(request.Body).ConfigureAwait(false))
                    {
                        Store.PatchItem(id, patch.RootElement);
                    }

                    await JsonAsync(context, new JsonObject { ["RowAffected"] = 1 }).ConfigureAwait(false);
                    return;
                case ("PUT" or "DELETE", ["api", "item", var id, "category", var category]):
                    if (!Store.SetCategory(id, category, add: request.Method == "PUT") && request.Method == "PUT")
                    {
                        await TextAsync(context, 500, $"item {id} not found").ConfigureAwait(false);
                        return;
                    }

                    await JsonAsync(context, new JsonObject { ["RowAffected"] = 1 }).ConfigureAwait(false);
                    return;
                case ("GET", ["api", "user", _, "feedback", ..]):
                    string owner = segments[2];
                    string? ofType = segments.Length == 5 ? segments[4] : null;
                    var array2 = new JsonArray();
                    foreach (var f in Store.Feedback.Values.Where(f => f.UserId == owner && (ofType is null || f.FeedbackType == ofType)))
                    {
                        array2.Add(FeedbackJson(f));
                    }

                    await JsonAsync(context, array2).ConfigureAwait(false);
                    return;
                case ("GET", ["api", "feedback", var t, var user, var item]):
                    await FoundAsync(context, Store.Feedback.TryGetValue((t, user, item), out var single) ? FeedbackJson(single) : null, $"feedback {t}/{user}/{item} not found").ConfigureAwait(false);
                    return;
                case ("GET", ["api", "users"]):
                    await PageAsync(context, "Users", (cursor, n) =>
                    {
                        var (page, next) = Store.PageUsers(cursor is null ? null : Decode(cursor), n);
                        return (page.Select(UserJson), next is null ? "" : Encode(next));
                    }).ConfigureAwait(false);
                    return;
                case ("GET", ["api", "items"]):
                    await PageAsync(context, "Items", (cursor, n) =>
                    {
                        var (page, next) = Store.PageItems(cursor is null ? null : Decode(cursor), n);
                        return (page.Select(ItemJson), next is null ? "" : Encode(next));
                    }).ConfigureAwait(false);
                    return;
                case ("GET", ["api", "feedback"]) or ("GET", ["api", "feedback", _]):
                    string? type = segments.Length == 3 ? segments[2] : null;
                    await PageAsync(context, "Feedback", (cursor, n) =>
                    {
                        var (page, next) = Store.PageFeedback(cursor is null ? null : DecodeKey(cursor), n, type);
                        return (page.Select(FeedbackJson), next is null ? "" : EncodeKey(next.Value));
                    }).ConfigureAwait(false);
                    return;
                case ("GET", ["api", "user", var id]):
                    await FoundAsync(context, Store.User(id) is { } u ? UserJson(u) : null, $"user {id} not found").ConfigureAwait(false);
                    return;
                case ("GET", ["api", "item", var id]):
                    await FoundAsync(context, Store.Item(id) is { } i ? ItemJson(i) : null, $"item {id} not found").ConfigureAwait(false);
                    return;
                case ("DELETE", ["api", "user", var id]):
                    Store.DeleteUser(id);
                    await JsonAsync(context, new JsonObject { ["RowAffected"] = 1 }).ConfigureAwait(false);
                    return;
                case ("DELETE", ["api", "item", var id]):
                    Store.DeleteItem(id);
                    await JsonAsync(context, new JsonObject { ["RowAffected"] = 1 }).ConfigureAwait(false);
                    return;
                case ("DELETE", ["api", "feedback", var t, var user, var item]):
                    await JsonAsync(context, new JsonObject { ["RowAffected"] = Store.DeleteFeedback(t, user, item) ? 1 : 0 }).ConfigureAwait(false);
                    return;
                case ("GET", ["api", "health", var probe and ("live" or "ready")]):
                    bool down = DataStoreDown && probe == "ready";
                    var health = new JsonObject
                    {
                        ["Ready"] = !down, ["DataStoreError"] = down ? "dial tcp 127.0.0.1:5432: connect: connection refused" : null, ["CacheStoreError"] = null,
                        ["DataStoreConnected"] = !down, ["CacheStoreConnected"] = true,
                    };
                    await WriteAsync(context, down ? 503 : 200, "application/json", JsonSerializer.SerializeToUtf8Bytes(health, WireJson.Default.JsonNode)).ConfigureAwait(false);
                    return;
                case ("GET", ["api", "latest"]):
                    await ScoresAsync(context, Store.AllItems().Where(i => !i.IsHidden && InCategories(i, request)).OrderByDescending(i => i.Timestamp).ThenBy(i => i.ItemId, StringComparer.Ordinal)
                        .Select(i => (i.ItemId, (double)i.Timestamp.ToUnixTimeSeconds())), asScores: true).ConfigureAwait(false);
                    return;
                case ("GET", ["api", "recommend", var user]):
                    var recommended = Recommended(user, request);
                    string? writeBack = request.Query["write-back-type"];
                    TimeSpan delay = TimeSpan.Zero;
                    if (writeBack is not null && request.Query["write-back-delay"].ToString() is { Length: > 0 } delayText && !TryGoDuration(delayText, out delay))
                    {
                        await TextAsync(context, 400, $"time: invalid duration \"{delayText}\"").ConfigureAwait(false);
                        return;
                    }

                    if (TryInt(context, "n", 10, out int count) && TryInt(context, "offset", 0, out int skip))
                    {
                        var page = recommended.Skip(skip).Take(count).ToList();
                        foreach (var served in page.Where(r => r.Fallback))
                        {
                            _fallback.TryAdd((user, served.Id), true);
                        }

                        if (writeBack is not null)
                        {
                            // One feedback per item returned, at now + delay, accumulated (POST) with value 0 and without
                            // inserting the user: dropped unless the user exists, as Gorse's write-back does.
                            var at = DateTimeOffset.UtcNow + delay;
                            Store.Store([.. page.Select(r => new StoredFeedback(writeBack, user, r.Id, 0, at, at, ""))], overwrite: false, autoInsertUsers: false, autoInsertItems: AutoInsertItems);
                        }
                    }

                    await ScoresAsync(context, recommended.Select(r => (r.Id, r.Score)), asScores: request.Headers["X-API-Version"] == "2").ConfigureAwait(false);
                    return;
                case ("GET", ["api", "user-to-user", var name, var about]):
                    if (!UserToUser.Contains(name, StringComparer.Ordinal))
                    {
                        await TextAsync(context, 404, $"user-to-user recommender {name} not found").ConfigureAwait(false);
                        return;
                    }

                    var people = Store.Users.Values.ToList();
                    await ScoresAsync(context, RankByEmbedding(Store.User(about)?.Labels, people.Where(u => u.UserId != about).Select(u => (u.UserId, u.Labels))), asScores: true, nullWhenEmpty: true).ConfigureAwait(false);
                    return;
                case ("GET", ["api", "item-to-item", var name, var item]):
                    await NeighborsAsync(context, name, item).ConfigureAwait(false);
                    return;
                case ("GET", ["api", "item", var item, "neighbors"]):
                    if (ItemToItem.Count == 0)
                    {
                        await TextAsync(context, 404, "item-to-item recommendation is not enabled").ConfigureAwait(false);
                        return;
                    }

                    await NeighborsAsync(context, ItemToItem[0], item).ConfigureAwait(false);
                    return;
                default:
                    await TextAsync(context, 404, "404: Page Not Found").ConfigureAwait(false);
                    return;
            }
        }
        catch (Wire.BadRequest e)
        {
            await TextAsync(context, 400, e.Message).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            await TextAsync(context, 400, e.Message).ConfigureAwait(false);
        }
        finally
        {
            int status = fault == FaultKind.Drop ? 0 : context.Response.StatusCode;
            _requests.Enqueue(new RequestRecord(request.Method, path, status, fault, rows, firstKey, received, hasKey) { Query = request.QueryString.Value ?? "" });
        }
    }

    private async Task<(int Rows, string? FirstKey, FaultKind Fault)> WriteAsync(HttpContext context, string table)
    {
        if (DiscardWrites)
        {
            await context.Request.Body.CopyToAsync(Stream.Null).ConfigureAwait(false);
            await JsonAsync(context, new JsonObject { ["RowAffected"] = 0 }).ConfigureAwait(false);
            return (0, null, FaultKind.None);
        }

        using var body = await JsonDocument.ParseAsync(context.Request.Body).ConfigureAwait(false);
        bool put = context.Request.Method == "PUT";
        if (put && table != "feedback")
        {
            await TextAsync(context, 405, "405: Method Not Allowed").ConfigureAwait(false);
            return (0, null, FaultKind.None);
        }

        // Parsed (and refused with 400) as a whole before anything is stored.
        int rows = body.RootElement.ValueKind == JsonValueKind.Array ? body.RootElement.GetArrayLength() : 0;
        Action<double> store;
        string? firstKey;
        switch (table)
        {
            case "users":
                var users = GorseStore.ParseUsers(body.RootElement);
                firstKey = users.FirstOrDefault()?.UserId;
                store = share => Store.Store(users[..Share(users.Count, share)]);
                break;
            case "items":
                var items = GorseStore.ParseItems(body.RootElement);
                firstKey = items.FirstOrDefault()?.ItemId;
                store = share => Store.Store(items[..Share(items.Count, share)]);
                break;
            default:
                var feedback = GorseStore.ParseFeedback(body.RootElement);
                firstKey = feedback.FirstOrDefault() is { } f ? $"{f.FeedbackType}/{f.UserId}/{f.ItemId}" : null;
                store = share => Store.Store(feedback[..Share(feedback.Count, share)], overwrite: put, AutoInsertUsers, AutoInsertItems);
                break;
        }

        var fault = NextFault();
        switch (fault)
        {
            case FaultKind.Error:
                await TextAsync(context, 500, "injected error: nothing stored").ConfigureAwait(false);
                break;
            case FaultKind.Unavailable:
                await TextAsync(context, 503, "injected: service unavailable, nothing stored").ConfigureAwait(false);
                break;
            case FaultKind.PartialWrite:
                store(0.5);
                await TextAsync(context, 500, "injected partial write: half of the batch stored").ConfigureAwait(false);
                break;
            case FaultKind.Drop:
                store(1);
                context.Abort();
                break;
            case FaultKind.QuotaSpent:
                await TextAsync(context, 429, "quota exceeded").ConfigureAwait(false);
                break;
            case FaultKind.TooManyRequests:
                context.Response.Headers.RetryAfter = _faults.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await TextAsync(context, 429, "injected quota exceeded").ConfigureAwait(false);
                break;
            default:
                if (fault == FaultKind.Slow)
                {
                    await Task.Delay(_faults.SlowDelay).ConfigureAwait(false);
                }

                store(1);
                await JsonAsync(context, new JsonObject { ["RowAffected"] = rows }).ConfigureAwait(false);
                break;
        }

        return (rows, firstKey, fault);
    }

    private static int Share(int count, double share) => share >= 1 ? count : count / 2;

    private FaultKind NextFault()
    {
        lock (_faultLock)
        {
            var f = _faults;
            if (f.QuotaSpent)
            {
                return FaultKind.QuotaSpent;
            }

            if (_writes++ < f.UnavailableWrites)
            {
                return FaultKind.Unavailable;
            }

            double roll = _faultStream.NextDouble();
            return roll < f.ErrorRate ? FaultKind.Error
                : roll < f.ErrorRate + f.PartialWriteRate ? FaultKind.PartialWrite
                : roll < f.ErrorRate + f.PartialWriteRate + f.DropRate ? FaultKind.Drop
                : roll < f.ErrorRate + f.PartialWriteRate + f.DropRate + f.TooManyRequestsRate ? FaultKind.TooManyRequests
                : roll < f.ErrorRate + f.PartialWriteRate + f.DropRate + f.TooManyRequestsRate + f.SlowRate ? FaultKind.Slow
                : FaultKind.None;
        }
    }

    /// <summary>The methods the server routes for a path (none: an unknown path), as Gorse's web service declares them.</summary>
    private static string[] Methods(string[] segments) => segments switch
    {
        ["api", "users" or "items"] => ["GET", "POST"],
        ["api", "feedback"] => ["GET", "POST", "PUT"],
        ["api", "user" or "item"] => ["POST"],
        ["api", "user" or "item", _] => ["GET", "PATCH", "DELETE"],
        ["api", "item", _, "category", _] => ["PUT", "DELETE"],
        ["api", "user", _, "feedback"] or ["api", "user", _, "feedback", _] => ["GET"],
        ["api", "feedback", _] => ["GET"],
        ["api", "feedback", _, _, _] => ["GET", "DELETE"],
        ["api", "health", "live" or "ready"] => ["GET"],
        ["api", "latest"] or ["api", "recommend", _] or ["api", "item-to-item", _, _] or ["api", "user-to-user", _, _] or ["api", "item", _, "neighbors"] => ["GET"],
        _ => [],
    };

    /// <summary>
    /// A user's recommend list. The test server has no model: its "CF" part is the items the user has no feedback on in
    /// an order of its own (a hash of user and item), at most <see cref="CacheSize"/> of them; the fallback (the newest
    /// items not already listed) follows, as Gorse fills a list beyond its cache.
    /// </summary>
    private List<(string Id, double Score, bool Fallback)> Recommended(string user, HttpRequest request)
    {
        var seen = Store.ItemsOf(user);
        var unseen = Store.AllItems().Where(i => !i.IsHidden && !seen.Contains(i.ItemId) && InCategories(i, request)).ToList();
        var cf = unseen.OrderBy(i => Fnv(user, i.ItemId)).ThenBy(i => i.ItemId, StringComparer.Ordinal).Take(CacheSize).ToList();
        var listed = cf.Select(i => i.ItemId).ToHashSet(StringComparer.Ordinal);
        var list = cf.Select((item, rank) => (item.ItemId, (double)(CacheSize - rank), false)).ToList();
        list.AddRange(unseen.Where(i => !listed.Contains(i.ItemId)).OrderByDescending(i => i.Timestamp).ThenBy(i => i.ItemId, StringComparer.Ordinal)
            .Select(i => (i.ItemId, (double)i.Timestamp.ToUnixTimeSeconds(), true)));
        return list;
    }

    /// <summary>FNV-1a of a user and an item id: the test server's stand-in for a CF score.</summary>
    private static uint Fnv(string user, string item)
    {
        uint hash = 2166136261;
        foreach (char c in user + "\u0001" + item)
        {
            hash = (hash ^ c) * 16777619;
        }

        return hash;
    }

    private async Task NeighborsAsync(HttpContext context, string name, string itemId)
    {
        if (!ItemToItem.Contains(name, StringComparer.Ordinal))
        {
            await TextAsync(context, 404, $"item-to-item recommender {name} not found").ConfigureAwait(false);
            return;
        }

        var scored = RankByEmbedding(Store.Item(itemId)?.Labels, Store.AllItems().Where(i => i.ItemId != itemId && !i.IsHidden).Select(i => (i.ItemId, i.Labels)));
        await ScoresAsync(context, scored, asScores: true, nullWhenEmpty: true).ConfigureAwait(false); // item-to-item answers null, not []
    }

    /// <summary>Candidates ranked by the Euclidean distance of their <c>Labels.embedding</c> to the anchor's (Gorse's embedding recommenders); none without an anchor embedding.</summary>
    private static List<(string Id, double Score)> RankByEmbedding(JsonNode? anchor, IEnumerable<(string Id, JsonNode? Labels)> candidates)
    {
        static double[]? Vector(JsonNode? labels) => labels?["embedding"] is JsonArray array ? [.. array.Select(v => v!.GetValue<double>())] : null;
        var query = Vector(anchor);
        return query is null ? [] : [.. candidates
            .Select(c => (c.Id, Vector: Vector(c.Labels)))
            .Where(c => c.Vector is not null && c.Vector.Length == query.Length)
            .Select(c => (c.Id, Score: 1 / (1 + Math.Sqrt(c.Vector!.Zip(query, (a, b) => (a - b) * (a - b)).Sum()))))
            .OrderByDescending(c => c.Score).ThenBy(c => c.Id, StringComparer.Ordinal)];
    }

    /// <summary>Whether an item is in every <c>category</c> the request names (Gorse's category filter).</summary>
    private static bool InCategories(StoredItem item, HttpRequest request) =>
        request.Query["category"].All(c => c is null || (item.Categories ?? []).Contains(c, StringComparer.Ordinal));

    /// <summary>A Go duration (<c>10m</c>, <c>1h30m</c>, <c>90s</c>, <c>250ms</c>, <c>0</c>), as write-back-delay takes it.</summary>
    public static bool TryGoDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (text == "0")
        {
            return true;
        }

        var match = System.Text.RegularExpressions.Regex.Match(text, @"^([0-9]+(?:\.[0-9]+)?(?:ns|us|µs|ms|s|m|h))+$");
        if (!match.Success)
        {
            return false;
        }

        foreach (System.Text.RegularExpressions.Capture part in match.Groups[1].Captures)
        {
            var unit = System.Text.RegularExpressions.Regex.Match(part.Value, @"^([0-9.]+)(.+)$");
            double value = double.Parse(unit.Groups[1].Value, CultureInfo.InvariantCulture);
            duration += unit.Groups[2].Value switch
            {
                "h" => TimeSpan.FromHours(value),
                "m" => TimeSpan.FromMinutes(value),
                "s" => TimeSpan.FromSeconds(value),
                "ms" => TimeSpan.FromMilliseconds(value),
                "us" or "µs" => TimeSpan.FromMicroseconds(value),
                _ => TimeSpan.FromTicks((long)(value / 100)),
            };
        }

        return true;
    }

    /// <summary>A page of a ranked list; past its end, <c>[]</c> as /api/recommend (version 2) and /api/latest answer, or <c>null</c> as item-to-item does.</summary>
    private static async Task ScoresAsync(HttpContext context, IEnumerable<(string Id, double Score)> ranked, bool asScores, bool nullWhenEmpty = false)
    {
        if (!TryInt(context, "n", 10, out int n) || !TryInt(context, "offset", 0, out int offset))
        {
            await TextAsync(context, 400, "invalid n or offset").ConfigureAwait(false);
            return;
        }

        var all = ranked.ToList();
        if (offset >= all.Count && nullWhenEmpty)
        {
            await WriteAsync(context, 200, "application/json", "null"u8.ToArray()).ConfigureAwait(false);
            return;
        }

        var page = all.Skip(offset).Take(n);
        var array = new JsonArray();
        foreach (var (id, score) in page)
        {
            array.Add(asScores ? new JsonObject { ["Id"] = id, ["Score"] = score } : JsonValue.Create(id));
        }

        await JsonAsync(context, array).ConfigureAwait(false);
    }

    private static async Task PageAsync(HttpContext context, string listName, Func<string?, int, (IEnumerable<JsonNode> Rows, string Cursor)> page)
    {
        if (!TryInt(context, "n", 10, out int n) || n <= 0)
        {
            await TextAsync(context, 400, $"strconv.Atoi: parsing \"{context.Request.Query["n"]}\": invalid syntax").ConfigureAwait(false);
            return;
        }

        string cursor = context.Request.Query["cursor"].ToString();
        var (rows, next) = page(cursor.Length == 0 ? null : cursor, n);
        var array = new JsonArray();
        foreach (var row in rows)
        {
            array.Add(row);
        }

        await JsonAsync(context, new JsonObject { ["Cursor"] = next, [listName] = array }).ConfigureAwait(false);
    }

    private static bool TryInt(HttpContext context, string name, int fallback, out int value)
    {
        string text = context.Request.Query[name].ToString();
        if (text.Length == 0)
        {
            value = fallback;
            return true;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= 0;
    }

    private static Task FoundAsync(HttpContext context, JsonNode? row, string notFound) =>
        row is null ? TextAsync(context, 404, notFound) : JsonAsync(context, row);

    private static JsonNode UserJson(StoredUser u) => new JsonObject { ["UserId"] = u.UserId, ["Labels"] = u.Labels?.DeepClone(), ["Comment"] = u.Comment };

    private static JsonNode ItemJson(StoredItem i) => new JsonObject
    {
        ["ItemId"] = i.ItemId,
        ["IsHidden"] = i.IsHidden,
        ["Categories"] = i.Categories is null ? null : new JsonArray([.. i.Categories.Select(c => JsonValue.Create(c))]),
        ["Timestamp"] = Time(i.Timestamp),
        ["Labels"] = i.Labels?.DeepClone(),
        ["Comment"] = i.Comment,
    };

    private static JsonNode FeedbackJson(StoredFeedback f) => new JsonObject
    {
        ["FeedbackType"] = f.FeedbackType,
        ["UserId"] = f.UserId,
        ["ItemId"] = f.ItemId,
        ["Value"] = f.Value,
        ["Timestamp"] = Time(f.Timestamp),
        ["Updated"] = Time(f.Updated),
        ["Comment"] = f.Comment,
        ["Labels"] = null, // Gorse's feedback carries Labels; what the clients here send has none
    };

    /// <summary>As Go marshals a time.Time: RFC 3339 with the fraction only when there is one.</summary>
    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static string Encode(string id) => Convert.ToBase64String(Encoding.UTF8.GetBytes(id));

    private static string Decode(string cursor)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
        }
        catch (FormatException)
        {
            throw new Wire.BadRequest($"illegal base64 data in cursor {cursor}");
        }
    }

    private static string EncodeKey((string Type, string User, string Item) key) =>
        Encode(new JsonObject { ["FeedbackType"] = key.Type, ["UserId"] = key.User, ["ItemId"] = key.Item }.ToJsonString());

    private static (string, string, string) DecodeKey(string cursor)
    {
        using var key = JsonDocument.Parse(Decode(cursor));
        return (Wire.Text(key.RootElement, "FeedbackType"), Wire.Text(key.RootElement, "UserId"), Wire.Text(key.RootElement, "ItemId"));
    }

    private static Task JsonAsync(HttpContext context, JsonNode node) =>
        WriteAsync(context, 200, "application/json", JsonSerializer.SerializeToUtf8Bytes(node, WireJson.Default.JsonNode));

    private static Task TextAsync(HttpContext context, int status, string text) =>
        WriteAsync(context, status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(text));

    private static async Task WriteAsync(HttpContext context, int status, string contentType, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.Headers["X-Request-ID"] = Guid.CreateVersion7().ToString();
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body).ConfigureAwait(false);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonNode))]
internal sealed partial class WireJson : System.Text.Json.Serialization.JsonSerializerContext;
