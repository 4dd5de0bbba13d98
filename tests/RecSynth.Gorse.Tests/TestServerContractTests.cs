using System.Net;
using System.Text;
using System.Text.Json;
using RecSynth.Gorse.TestServer;

namespace RecSynth.Gorse.Tests;

/// <summary>
/// The test server answers in Gorse's shapes (its server/rest.go and storage/data/database.go): the JSON keys below are the contract's, written
/// here by hand, so a test that passes against the server passes for the right reasons.
/// </summary>
public sealed class TestServerContractTests
{
    private static async Task<(HttpStatusCode Status, string ContentType, string Body)> SendAsync(HttpClient http, HttpMethod method, string path, string? json = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = new(contentType);
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType ?? "", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    private static string[] Keys(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Rows_are_read_back_with_exactly_gorses_field_names()
    {
        await using var server = await GorseTestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.Endpoint };
        var wrote = await SendAsync(http, HttpMethod.Post, "api/users", """[{"UserId":"u1","Labels":{"a":"b"},"Comment":""},{"UserId":"u1","Comment":"dropped"}]""");
        await SendAsync(http, HttpMethod.Post, "api/items", """[{"ItemId":"i1","Categories":["c"],"Timestamp":"2023-01-01T00:00:00Z"}]""");
        await SendAsync(http, HttpMethod.Put, "api/feedback", """[{"FeedbackType":"like","UserId":"u1","ItemId":"i1","Value":1,"Timestamp":"2023-01-02T00:00:00Z"}]""");

        var users = JsonDocument.Parse((await SendAsync(http, HttpMethod.Get, "api/users?n=10")).Body).RootElement;
        var items = JsonDocument.Parse((await SendAsync(http, HttpMethod.Get, "api/items?n=10")).Body).RootElement;
        var feedback = JsonDocument.Parse((await SendAsync(http, HttpMethod.Get, "api/feedback?n=10")).Body).RootElement;

        Assert.Equal((HttpStatusCode.OK, """{"RowAffected":2}"""), (wrote.Status, wrote.Body));
        Assert.Equal(["Cursor", "Users"], Keys(users));
        Assert.Equal(["Comment", "Labels", "UserId"], Keys(users.GetProperty("Users")[0]));
        Assert.Equal("", users.GetProperty("Users")[0].GetProperty("Comment").GetString()); // the first duplicate won
        Assert.Equal(["Cursor", "Items"], Keys(items));
        Assert.Equal(["Categories", "Comment", "IsHidden", "ItemId", "Labels", "Timestamp"], Keys(items.GetProperty("Items")[0]));
        Assert.Equal(["Cursor", "Feedback"], Keys(feedback));
        Assert.Equal(["Comment", "FeedbackType", "ItemId", "Labels", "Timestamp", "Updated", "UserId", "Value"], Keys(feedback.GetProperty("Feedback")[0])); // Labels: as master answers (PR #1290)
        Assert.Equal("2023-01-02T00:00:00Z", feedback.GetProperty("Feedback")[0].GetProperty("Updated").GetString());
    }

    [Fact]
    public async Task Errors_are_plain_text()
    {
        await using var server = await GorseTestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.Endpoint };

        var missing = await SendAsync(http, HttpMethod.Get, "api/user/nobody");
        var badTime = await SendAsync(http, HttpMethod.Post, "api/items", """[{"ItemId":"i1","Timestamp":"not a time"}]""");
        var notJson = await SendAsync(http, HttpMethod.Post, "api/users", """[{"UserId":"u1"}]""", contentType: "text/plain");

        Assert.Equal((HttpStatusCode.NotFound, "text/plain"), (missing.Status, missing.ContentType));
        Assert.Equal((HttpStatusCode.BadRequest, "text/plain"), (badTime.Status, badTime.ContentType));
        Assert.StartsWith("parsing time", badTime.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notJson.Status);
        Assert.Empty(server.Store.Items);
        Assert.Empty(server.Store.Users);
    }

    [Fact]
    public async Task A_missing_item_timestamp_is_stored_as_year_one()
    {
        await using var server = await GorseTestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.Endpoint };

        await SendAsync(http, HttpMethod.Post, "api/items", """[{"ItemId":"i1"}]""");
        var item = JsonDocument.Parse((await SendAsync(http, HttpMethod.Get, "api/item/i1")).Body).RootElement;

        Assert.Equal("0001-01-01T00:00:00Z", item.GetProperty("Timestamp").GetString());
    }
}
