using System.Text.Json;

namespace RecSynth.Gorse.TestServer;

/// <summary>
/// The server's data, with Gorse's write semantics: upserts of users and items (every field), feedback keyed by
/// (type, user, item) with POST accumulating (value added, earliest timestamp) and PUT overwriting, and the first of
/// duplicate keys winning within one request.
/// </summary>
public sealed class GorseStore
{
    private readonly Lock _lock = new();
    private readonly SortedTable<string, StoredUser> _users = new(StringComparer.Ordinal, StringComparer.Ordinal);
    private readonly SortedTable<string, StoredItem> _items = new(StringComparer.Ordinal, StringComparer.Ordinal);
    private readonly SortedTable<(string Type, string User, string Item), StoredFeedback> _feedback = new(KeyComparer.Instance);

    /// <summary>A copy of the users, by id.</summary>
    public IReadOnlyDictionary<string, StoredUser> Users
    {
        get
        {
            lock (_lock)
            {
                return _users.Copy();
            }
        }
    }

    /// <summary>A copy of the items, by id.</summary>
    public IReadOnlyDictionary<string, StoredItem> Items
    {
        get
        {
            lock (_lock)
            {
                return _items.Copy();
            }
        }
    }

    /// <summary>A copy of the feedback, by (type, user, item).</summary>
    public IReadOnlyDictionary<(string Type, string User, string Item), StoredFeedback> Feedback
    {
        get
        {
            lock (_lock)
            {
                return _feedback.Copy();
            }
        }
    }

    /// <summary>Removes a user and its feedback, as <c>DELETE /api/user/{id}</c> does.</summary>
    public void DeleteUser(string userId)
    {
        lock (_lock)
        {
            _users.Remove(userId);
            foreach (var key in _feedback.Keys.Where(k => k.User == userId).ToArray())
            {
                _feedback.Remove(key);
            }
        }
    }

    /// <summary>Removes an item and its feedback.</summary>
    public void DeleteItem(string itemId)
    {
        lock (_lock)
        {
            _items.Remove(itemId);
            foreach (var key in _feedback.Keys.Where(k => k.Item == itemId).ToArray())
            {
                _feedback.Remove(key);
            }
        }
    }

    /// <summary>Removes one feedback; true if it existed.</summary>
    public bool DeleteFeedback(string type, string userId, string itemId)
    {
        lock (_lock)
        {
            return _feedback.Remove((type, userId, itemId));
        }
    }

    /// <summary>Parses a users batch (all or nothing): the rows in order, duplicates after the first dropped.</summary>
    /// <summary>PATCH of a user: the fields given (Labels, Comment) replace the stored ones; an unknown user is a silent no-op.</summary>
    internal void PatchUser(string id, JsonElement patch)
    {
        lock (_lock)
        {
            if (_users.TryGetValue(id, out var user))
            {
                _users[id] = user with
                {
                    Labels = Given(patch, "Labels") is { } labels ? Wire.Labels(patch) : user.Labels,
                    Comment = Given(patch, "Comment") is { } comment ? comment.GetString() ?? "" : user.Comment,
                };
            }
        }
    }

    /// <summary>PATCH of an item: the fields given and not null replace the stored ones; an unknown item is a silent no-op.</summary>
    internal void PatchItem(string id, JsonElement patch)
    {
        lock (_lock)
        {
            if (_items.TryGetValue(id, out var item))
            {
                _items[id] = item with
                {
                    IsHidden = Given(patch, "IsHidden") is { } hidden ? hidden.GetBoolean() : item.IsHidden,
                    Categories = Given(patch, "Categories") is not null ? Wire.Strings(patch, "Categories") : item.Categories,
                    Timestamp = Given(patch, "Timestamp") is not null ? Wire.Time(patch, "Timestamp") : item.Timestamp,
                    Labels = Given(patch, "Labels") is not null ? Wire.Labels(patch) : item.Labels,
                    Comment = Given(patch, "Comment") is { } comment ? comment.GetString() ?? "" : item.Comment,
                };
            }
        }
    }

    /// <summary>Adds or removes one of an item's categories; false when the item is unknown.</summary>
    internal bool SetCategory(string id, string category, bool add)
    {
        lock (_lock)
        {
            if (!_items.TryGetValue(id, out var item))
            {
                return false;
            }

            var categories = (item.Categories ?? []).Where(c => c != category).ToList();
            if (add)
            {
                categories.Add(category);
            }

            _items[id] = item with { Categories = categories };
            return true;
        }
    }

    /// <summary>A field of a PATCH body that is present and not null (Gorse leaves the others unchanged).</summary>
    private static JsonElement? Given(JsonElement patch, string name) =>
        patch.ValueKind == JsonValueKind.Object && patch.EnumerateObject().FirstOrDefault(p => Is(p, name)) is { Value.ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } property
            ? property.Value : null;

    internal static List<StoredUser> ParseUsers(JsonElement body) => FirstOfEach(Rows(body).Select(row =>
        new StoredUser(Wire.Text(row, "UserId"), Wire.Labels(row), Wire.Text(row, "Comment"))), u => u.UserId);

    internal static List<StoredItem> ParseItems(JsonElement body) => FirstOfEach(Rows(body).Select(row =>
        new StoredItem(Wire.Text(row, "ItemId"), Wire.Bool(row, "IsHidden"), Wire.Strings(row, "Categories"), Wire.Time(row, "Timestamp"), Wire.Labels(row), Wire.Text(row, "Comment"))), i => i.ItemId);

    /// <summary>Feedback rows, each read in one pass over its properties (the hot path of the push benchmark).</summary>
    internal static List<StoredFeedback> ParseFeedback(JsonElement body) => FirstOfEach(Rows(body).Select(row =>
    {
        JsonElement? type = null, user = null, item = null, value = null, timestamp = null, comment = null;
        foreach (var property in row.EnumerateObject())
        {
            if (property.NameEquals("FeedbackType") || Is(property, "FeedbackType"))
            {
                type = property.Value;
            }
            else if (property.NameEquals("UserId") || Is(property, "UserId"))
            {
                user = property.Value;
            }
            else if (property.NameEquals("ItemId") || Is(property, "ItemId"))
            {
                item = property.Value;
            }
            else if (property.NameEquals("Value") || Is(property, "Value"))
            {
                value = property.Value;
            }
            else if (property.NameEquals("Timestamp") || Is(property, "Timestamp"))
            {
                timestamp = property.Value;
            }
            else if (property.NameEquals("Comment") || Is(property, "Comment"))
            {
                comment = property.Value;
            }
        }

        var time = Wire.Time(timestamp, "Timestamp");
        return new StoredFeedback(Wire.Text(type, "FeedbackType"), Wire.Text(user, "UserId"), Wire.Text(item, "ItemId"), Wire.Number(value, "Value"), time, time, Wire.Text(comment, "Comment"));
    }), f => (f.FeedbackType, f.UserId, f.ItemId));

    private static bool Is(JsonProperty property, string name) => string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase);

    internal void Store(List<StoredUser> users)
    {
        lock (_lock)
        {
            foreach (var user in users)
            {
                _users[user.UserId] = user;
            }
        }
    }

    internal void Store(List<StoredItem> items)
    {
        lock (_lock)
        {
            foreach (var item in items)
            {
                _items[item.ItemId] = item;
            }
        }
    }

    /// <summary>
    /// Feedback, then PUT overwrite or POST accumulate. An unknown user or item is inserted bare when auto-insert is on
    /// (Gorse's default); when it is off (<c>auto_insert_users</c>/<c>auto_insert_items</c> false), feedback naming one
    /// is silently dropped, as Gorse does — while the answer's RowAffected still counts it.
    /// </summary>
    internal void Store(List<StoredFeedback> feedback, bool overwrite, bool autoInsertUsers = true, bool autoInsertItems = true)
    {
        lock (_lock)
        {
            foreach (var f in feedback)
            {
                if ((!autoInsertUsers && !_users.TryGetValue(f.UserId, out _)) || (!autoInsertItems && !_items.TryGetValue(f.ItemId, out _)))
                {
                    continue;
                }

                _users.TryAdd(f.UserId, new StoredUser(f.UserId, null, ""));
                _items.TryAdd(f.ItemId, new StoredItem(f.ItemId, false, null, DateTimeOffset.MinValue, null, ""));
                var key = (f.FeedbackType, f.UserId, f.ItemId);
                _feedback[key] = !overwrite && _feedback.TryGetValue(key, out var old)
                    ? f with
                    {
                        Value = old.Value + f.Value,
                        Timestamp = old.Timestamp < f.Timestamp ? old.Timestamp : f.Timestamp,
                        Updated = old.Updated > f.Updated ? old.Updated : f.Updated,
                    }
                    : f;
            }
        }
    }

    /// <summary>Rows from <paramref name="cursor"/> (inclusive) in key order: n of them, and the key of the next as cursor.</summary>
    internal (List<StoredUser> Rows, string? Next) PageUsers(string? cursor, int n)
    {
        lock (_lock)
        {
            var (rows, next, more) = _users.Page(cursor, n);
            return (rows, more ? next : null);
        }
    }

    internal (List<StoredItem> Rows, string? Next) PageItems(string? cursor, int n)
    {
        lock (_lock)
        {
            var (rows, next, more) = _items.Page(cursor, n);
            return (rows, more ? next : null);
        }
    }

    internal (List<StoredFeedback> Rows, (string, string, string)? Next) PageFeedback((string, string, string)? cursor, int n, string? type)
    {
        lock (_lock)
        {
            var (rows, next, more) = _feedback.Page(cursor ?? default, n, type is null ? null : k => k.Type == type);
            return (rows, more ? next : null);
        }
    }

    internal StoredUser? User(string id)
    {
        lock (_lock)
        {
            return _users.TryGetValue(id, out var user) ? user : null;
        }
    }

    internal StoredItem? Item(string id)
    {
        lock (_lock)
        {
            return _items.TryGetValue(id, out var item) ? item : null;
        }
    }

    internal List<StoredItem> AllItems()
    {
        lock (_lock)
        {
            return [.. _items.Values];
        }
    }

    internal HashSet<string> ItemsOf(string userId)
    {
        lock (_lock)
        {
            return [.. _feedback.Keys.Where(k => k.User == userId).Select(k => k.Item)];
        }
    }

    private static IEnumerable<JsonElement> Rows(JsonElement body) =>
        body.ValueKind == JsonValueKind.Array
            ? body.EnumerateArray().Select(row => row.ValueKind == JsonValueKind.Object ? row : throw new Wire.BadRequest("json: cannot unmarshal into a row: not an object"))
            : throw new Wire.BadRequest("json: cannot unmarshal the body into an array");

    private static List<T> FirstOfEach<T, TKey>(IEnumerable<T> rows, Func<T, TKey> key)
        where TKey : notnull
    {
        var seen = new HashSet<TKey>();
        return [.. rows.ToList().Where(r => seen.Add(key(r)))];
    }

    private sealed class KeyComparer : IComparer<(string Type, string User, string Item)>
    {
        public static readonly KeyComparer Instance = new();

        public int Compare((string Type, string User, string Item) x, (string Type, string User, string Item) y)
        {
            int c = string.CompareOrdinal(x.Type, y.Type);
            if (c != 0)
            {
                return c;
            }

            c = string.CompareOrdinal(x.User, y.User);
            return c != 0 ? c : string.CompareOrdinal(x.Item, y.Item);
        }
    }
}
