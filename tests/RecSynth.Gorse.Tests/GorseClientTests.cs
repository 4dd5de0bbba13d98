using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using RecSynth.Gorse.TestServer;

namespace RecSynth.Gorse.Tests;

/// <summary>The typed client against the test server, and the server's fidelity to the Gorse contract.</summary>
public sealed class GorseClientTests
{
    private static readonly DateTimeOffset s_t0 = new(2023, 5, 3, 13, 6, 52, TimeSpan.Zero);

    private static GorseClient Client(GorseTestServer server, string? key = null) =>
        new(new GorseClientOptions { Endpoint = server.Endpoint, ApiKey = key, MaxRetries = 3, BaseDelay = TimeSpan.FromMilliseconds(5) });

    private static GorseItem Item(string id, int day, params float[] embedding) => new()
    {
        ItemId = id,
        Categories = ["Tops", "Shirt"],
        Timestamp = s_t0.AddDays(day),
        Labels = new JsonObject { ["color"] = "Red", ["embedding"] = new JsonArray([.. embedding.Select(x => (JsonNode)JsonValue.Create(x))]) },
    };

    private static GorseFeedback Feedback(string type, string user, string item, double value, int minute, string comment = "") =>
        new() { FeedbackType = type, UserId = user, ItemId = item, Value = value, Timestamp = s_t0.AddMinutes(minute), Comment = comment };

    [Fact]
    public async Task Cursor_paging_reads_every_row_once_in_key_order()
    {
        await using var server = await GorseTestServer.StartAsync();
        using var client = Client(server);
        var ids = Enumerable.Range(0, 23).Select(i => $"u{i:D3}").ToArray();
        await client.InsertUsersAsync([.. ids.Reverse().Select(id => new GorseUser { UserId = id })], TestContext.Current.CancellationToken);

        var read = new List<string>();
        await foreach (var user in client.ReadAllUsersAsync(pageSize: 5, TestContext.Current.CancellationToken))
        {
            read.Add(user.UserId);
        }

        Assert.Equal(ids, read);
        Assert.Equal(5, server.Requests.Count(r => r.Path == "/api/users" && r.Method == "GET"));
    }

    [Fact]
    public async Task Put_overwrites_and_post_accumulates_and_the_first_duplicate_in_a_request_wins()
    {
        await using var server = await GorseTestServer.StartAsync();
        using var client = Client(server);
        var token = TestContext.Current.CancellationToken;

        await client.PutFeedbackAsync([Feedback("like", "u1", "i1", 2, 10, "first"), Feedback("like", "u1", "i1", 7, 5, "second")], token);
        await client.PutFeedbackAsync([Feedback("like", "u1", "i1", 2, 10, "first")], token);
        var afterPut = server.Store.Feedback[("like", "u1", "i1")];
        await client.InsertFeedbackAsync([Feedback("like", "u1", "i1", 3, 4, "posted")], token);
        var afterPost = server.Store.Feedback[("like", "u1", "i1")];

        Assert.Equal((2.0, s_t0.AddMinutes(10), "first"), (afterPut.Value, afterPut.Timestamp, afterPut.Comment));
        Assert.Equal((5.0, s_t0.AddMinutes(4), "posted"), (afterPost.Value, afterPost.Timestamp, afterPost.Comment));
    }

    [Fact]
    public async Task Reads_accept_any_letter_case_and_null_lists_read_as_empty()
    {
        await using var server = await GorseTestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.Endpoint };
        var token = TestContext.Current.CancellationToken;
        using var body = new StringContent("""[{"itemId":"i1","categories":null,"timeStamp":"2023-05-03T13:06:52Z","COMMENT":"lower"}]""", Encoding.UTF8, "application/json");
        (await http.PostAsync("api/items", body, token)).EnsureSuccessStatusCode();
        using var client = new GorseClient(http);

        var page = await client.GetItemsAsync(10, cancellationToken: token);
        var neighbours = await client.ItemToItemAsync("image_sim", "i1", 10, offset: 5, token);

        var item = Assert.Single(page.Rows);
        Assert.Equal(("i1", "lower", s_t0), (item.ItemId, item.Comment, item.Timestamp));
        Assert.Empty(item.Categories);
        Assert.Equal("", page.Cursor);
        Assert.Empty(neighbours);
    }

    [Fact]
    public async Task Recommend_sends_api_version_2_and_reads_scores_and_the_neighbour_calls_rank_by_embedding()
    {
        await using var server = await GorseTestServer.StartAsync();
        using var client = Client(server);
        var token = TestContext.Current.CancellationToken;
        await client.InsertItemsAsync([Item("a", 0, 1, 0), Item("b", 1, 0.9f, 0.1f), Item("c", 2, 0, 1)], token);
        await client.PutFeedbackAsync([Feedback("like", "u1", "c", 1, 0)], token);

        var recommended = await client.RecommendAsync("u1", 10, cancellationToken: token);
        var similar = await client.ItemToItemAsync("image_sim", "a", 2, cancellationToken: token);
        var neighbours = await client.NeighborsAsync("a", 2, cancellationToken: token);
        var latest = await client.LatestAsync(1, cancellationToken: token);
        var health = await client.HealthAsync(token);

        Assert.Equal(["a", "b"], recommended.Select(s => s.Id).Order()); // c excluded: u1 has feedback on it
        Assert.Equal([100.0, 99.0], recommended.Select(s => s.Score)); // the test server's CF scores: its cache size minus the rank
        Assert.Equal(["b", "c"], similar.Select(s => s.Id));
        Assert.Equal(similar, neighbours);
        Assert.Equal("c", Assert.Single(latest).Id);
        Assert.True(health.Ready);
    }

    [Fact]
    public async Task An_unknown_recommender_is_a_404_with_gorses_plain_text_message_and_is_not_retried()
    {
        await using var server = await GorseTestServer.StartAsync();
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<GorseException>(() => client.ItemToItemAsync("nope", "a", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("item-to-item recommender nope not found", error.ServerMessage);
        Assert.Equal(0, client.Retries);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData("""{"flag": true}""", "unsupported type in labels")]
    [InlineData("""{"mixed": [1, "a"]}""", "unsupported labels")]
    [InlineData("""{"nested": [[1, 2]]}""", "unsupported labels")]
    public async Task Labels_gorse_rejects_are_a_400_with_nothing_stored(string labels, string message)
    {
        await using var server = await GorseTestServer.StartAsync();
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<GorseException>(() => client.InsertUsersAsync(
            [new GorseUser { UserId = "ok" }, new GorseUser { UserId = "bad", Labels = JsonNode.Parse(labels)!.AsObject() }], TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.StartsWith(message, error.ServerMessage, StringComparison.Ordinal);
        Assert.Empty(server.Store.Users);
        Assert.Equal(0, client.Retries);
    }

    [Fact]
    public async Task A_missing_key_is_a_401_unauthorized_but_health_needs_none()
    {
        await using var server = await GorseTestServer.StartAsync(apiKey: "secret");
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<GorseException>(() => client.GetUsersAsync(10, cancellationToken: TestContext.Current.CancellationToken));
        var health = await client.HealthAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal("unauthorized", error.ServerMessage);
        Assert.True(health.Ready);
    }

    [Fact]
    public async Task A_transient_failure_that_outlasts_the_retries_surfaces_with_its_status()
    {
        await using var server = await GorseTestServer.StartAsync(faults: new GorseFaults { ErrorRate = 1 });
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<GorseException>(() => client.InsertUsersAsync([new GorseUser { UserId = "u" }], TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal(3, client.Retries);
        Assert.Equal(4, server.Requests.Count);
    }

    [Fact]
    public async Task Attempts_that_time_out_are_retried_then_surface_as_no_answer()
    {
        await using var server = await GorseTestServer.StartAsync(faults: new GorseFaults { SlowRate = 1, SlowDelay = TimeSpan.FromMilliseconds(600) });
        using var client = new GorseClient(new GorseClientOptions
        {
            Endpoint = server.Endpoint, MaxRetries = 2, BaseDelay = TimeSpan.FromMilliseconds(5), AttemptTimeout = TimeSpan.FromMilliseconds(100),
        });

        var error = await Assert.ThrowsAsync<GorseException>(() => client.InsertUsersAsync([new GorseUser { UserId = "u" }], TestContext.Current.CancellationToken));

        Assert.Contains("POST /api/users got no answer", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, client.Retries);
    }

    [Fact]
    public async Task Health_of_a_closed_port_is_one_attempt_whose_error_names_the_url()
    {
        var endpoint = new Uri($"http://127.0.0.1:{Ports.Unused()}/");
        using var client = new GorseClient(new GorseClientOptions { Endpoint = endpoint, MaxRetries = 3, BaseDelay = TimeSpan.FromMilliseconds(5) });

        var error = await Assert.ThrowsAsync<GorseException>(() => client.HealthAsync(TestContext.Current.CancellationToken));

        Assert.Equal(0, client.Retries);
        Assert.Contains($"cannot reach Gorse at {endpoint}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_options_text_never_shows_the_api_key()
    {
        var options = new GorseClientOptions { Endpoint = new Uri("http://127.0.0.1:8087"), ApiKey = "visible-secret" };

        Assert.DoesNotContain("visible-secret", options.ToString(), StringComparison.Ordinal);
    }
}
