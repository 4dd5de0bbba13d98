using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using RecSynth.Gorse.TestServer;

namespace RecSynth.Gorse.Tests;

/// <summary>
/// The test server answers as Gorse does where a client could tell the difference (docs/gorse.md): routing before
/// auth, Gorse's not-found texts, empty lists as [] or null, and the single-record routes.
/// </summary>
public sealed class TestServerFidelityTests
{
    private static readonly CancellationToken s_token = CancellationToken.None;

    private static async Task<(HttpStatusCode Status, string Body)> Send(HttpClient http, HttpMethod method, string path, string? json = null, string contentType = "application/json", string? key = null, bool version2 = false)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        if (key is not null)
        {
            request.Headers.Add("X-API-Key", key);
        }

        if (version2)
        {
            request.Headers.Add("X-API-Version", "2");
        }

        using var response = await http.SendAsync(request, s_token);
        return (response.StatusCode, (await response.Content.ReadAsStringAsync(s_token)).Trim());
    }

    [Fact]
    public async Task Routing_comes_before_auth_404_then_405_then_415_and_only_then_401()
    {
        await using var server = await GorseTestServer.StartAsync(apiKey: "k");
        using var http = new HttpClient { BaseAddress = server.Endpoint };

        Assert.Equal((HttpStatusCode.NotFound, "404: Page Not Found"), await Send(http, HttpMethod.Get, "api/nowhere"));
        Assert.Equal((HttpStatusCode.MethodNotAllowed, "405: Method Not Allowed"), await Send(http, HttpMethod.Put, "api/users", "[]"));
        Assert.Equal((HttpStatusCode.UnsupportedMediaType, "415: Unsupported Media Type"), await Send(http, HttpMethod.Post, "api/users", "[]", "text/plain"));
        Assert.Equal((HttpStatusCode.Unauthorized, "unauthorized"), await Send(http, HttpMethod.Get, "api/users"));
        Assert.Equal(HttpStatusCode.OK, (await Send(http, HttpMethod.Get, "api/users", key: "k")).Status);
    }

    [Fact]
    public async Task Not_found_texts_and_empty_lists_are_gorses()
    {
        await using var server = await GorseTestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.Endpoint };

        Assert.Equal((HttpStatusCode.NotFound, "user nobody not found"), await Send(http, HttpMethod.Get, "api/user/nobody"));
        Assert.Equal((HttpStatusCode.NotFound, "item nothing not found"), await Send(http, HttpMethod.Get, "api/item/nothing"));
        Assert.Equal("[]", (await Send(http, HttpMethod.Get, "api/latest?n=5")).Body);
        Assert.Equal("[]", (await Send(http, HttpMethod.Get, "api/recommend/u1?n=5", version2: true)).Body);

        await Send(http, HttpMethod.Post, "api/items", """[{"ItemId":"a","Timestamp":"2023-01-01T00:00:00Z","Labels":{"embedding":[1,0]}}]""");
        Assert.Equal("null", (await Send(http, HttpMethod.Get, "api/item-to-item/image_sim/a?n=5&offset=10")).Body);
    }

    [Fact]
    public async Task Single_records_patch_categories_and_feedback_reads_answer_as_gorse()
    {
        await using var server = await GorseTestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.Endpoint };

        Assert.Equal(HttpStatusCode.OK, (await Send(http, HttpMethod.Post, "api/user", """{"UserId":"u1","Labels":{"style":"Casual"},"Comment":"first"}""")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(http, HttpMethod.Post, "api/item", """{"ItemId":"i1","Categories":["Tops"],"Timestamp":"2023-01-01T00:00:00Z"}""")).Status);

        // PATCH replaces what it gives and leaves the rest; on an unknown user it is a silent no-op that still says 1.
        Assert.Equal("""{"RowAffected":1}""", (await Send(http, HttpMethod.Patch, "api/user/u1", """{"Labels":{"style":"Classic"}}""")).Body);
        Assert.Equal("""{"RowAffected":1}""", (await Send(http, HttpMethod.Patch, "api/user/ghost", """{"Comment":"x"}""")).Body);
        var user = server.Store.Users["u1"];
        Assert.Equal(("""{"style":"Classic"}""", "first"), (user.Labels?.ToJsonString(), user.Comment));
        Assert.False(server.Store.Users.ContainsKey("ghost"));
        await Send(http, HttpMethod.Patch, "api/item/i1", """{"IsHidden":true,"Labels":null}""");
        Assert.True(server.Store.Items["i1"].IsHidden);

        // A category added and removed; adding to an unknown item is a 500.
        Assert.Equal(HttpStatusCode.OK, (await Send(http, HttpMethod.Put, "api/item/i1/category/Sale")).Status);
        Assert.Equal(["Tops", "Sale"], server.Store.Items["i1"].Categories);
        await Send(http, HttpMethod.Delete, "api/item/i1/category/Tops");
        Assert.Equal(["Sale"], server.Store.Items["i1"].Categories);
        Assert.Equal(HttpStatusCode.InternalServerError, (await Send(http, HttpMethod.Put, "api/item/none/category/Sale")).Status);

        // A user's feedback, and one feedback by its key.
        await Send(http, HttpMethod.Put, "api/feedback", """[{"FeedbackType":"like","UserId":"u1","ItemId":"i1","Value":1,"Timestamp":"2023-01-02T00:00:00Z"}]""");
        using var feedback = JsonDocument.Parse((await Send(http, HttpMethod.Get, "api/user/u1/feedback")).Body);
        Assert.Equal("i1", Assert.Single(feedback.RootElement.EnumerateArray()).GetProperty("ItemId").GetString());
        Assert.Empty(JsonDocument.Parse((await Send(http, HttpMethod.Get, "api/user/u1/feedback/read")).Body).RootElement.EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, (await Send(http, HttpMethod.Get, "api/feedback/like/u1/i1")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(http, HttpMethod.Get, "api/feedback/like/u1/none")).Status);
    }

    [Fact]
    public async Task Recommend_filters_by_category_and_writes_back_read_feedback_for_a_known_user_only()
    {
        await using var server = await GorseTestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.Endpoint };
        await Send(http, HttpMethod.Post, "api/items", """[{"ItemId":"a","Categories":["Tops"],"Timestamp":"2023-01-01T00:00:00Z"},{"ItemId":"b","Categories":["Shoes"],"Timestamp":"2023-01-02T00:00:00Z"},{"ItemId":"c","Categories":["Tops","Sale"],"Timestamp":"2023-01-03T00:00:00Z"}]""");
        await Send(http, HttpMethod.Post, "api/users", """[{"UserId":"u1"}]""");

        using var tops = JsonDocument.Parse((await Send(http, HttpMethod.Get, "api/recommend/u1?n=10&category=Tops")).Body);
        Assert.Equal(["a", "c"], tops.RootElement.EnumerateArray().Select(e => e.GetString()).Order());
        using var sale = JsonDocument.Parse((await Send(http, HttpMethod.Get, "api/latest?n=10&category=Tops&category=Sale")).Body);
        Assert.Equal("c", Assert.Single(sale.RootElement.EnumerateArray()).GetProperty("Id").GetString());

        // write-back-type=read: one read per item returned, dated now + delay, with value 0; not for an unknown user.
        var before = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.OK, (await Send(http, HttpMethod.Get, "api/recommend/u1?n=2&write-back-type=read&write-back-delay=1h30m")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(http, HttpMethod.Get, "api/recommend/stranger?n=2&write-back-type=read")).Status);
        var reads = server.Store.Feedback.Values.Where(f => f.FeedbackType == "read").ToList();
        Assert.Equal(2, reads.Count);
        Assert.All(reads, f => Assert.Equal(("u1", 0.0), (f.UserId, f.Value)));
        Assert.All(reads, f => Assert.InRange(f.Timestamp - before, TimeSpan.FromMinutes(89), TimeSpan.FromMinutes(91)));
        Assert.False(server.Store.Users.ContainsKey("stranger"));
        Assert.Equal(HttpStatusCode.BadRequest, (await Send(http, HttpMethod.Get, "api/recommend/u1?write-back-type=read&write-back-delay=soon")).Status);

        // Feedback as Gorse lists it carries Labels.
        using var listed = JsonDocument.Parse((await Send(http, HttpMethod.Get, "api/user/u1/feedback")).Body);
        Assert.All(listed.RootElement.EnumerateArray(), f => Assert.True(f.TryGetProperty("Labels", out _)));
    }

    [Fact]
    public async Task User_to_user_is_404_unless_configured_and_then_ranks_by_the_users_embeddings()
    {
        await using var server = await GorseTestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.Endpoint };
        await Send(http, HttpMethod.Post, "api/users", """[{"UserId":"u1","Labels":{"embedding":[1,0]}},{"UserId":"u2","Labels":{"embedding":[0,1]}},{"UserId":"u3","Labels":{"embedding":[0.9,0.1]}}]""");

        Assert.Equal((HttpStatusCode.NotFound, "user-to-user recommender taste not found"), await Send(http, HttpMethod.Get, "api/user-to-user/taste/u1"));
        server.UserToUser = ["taste"];
        using var similar = JsonDocument.Parse((await Send(http, HttpMethod.Get, "api/user-to-user/taste/u1?n=5")).Body);
        Assert.Equal(["u3", "u2"], similar.RootElement.EnumerateArray().Select(e => e.GetProperty("Id").GetString()));
    }

    [Theory]
    [InlineData("10m", 600)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5s", 1.5)]
    [InlineData("0", 0)]
    public void Write_back_delays_read_as_go_durations(string text, double seconds)
    {
        Assert.True(GorseTestServer.TryGoDuration(text, out var duration));
        Assert.Equal(seconds, duration.TotalSeconds, 6);
        Assert.False(GorseTestServer.TryGoDuration("10 minutes", out _));
    }
}
