namespace RecSynth.Behaviour;

/// <summary>The kinds of feedback, in the order events of one position are written.</summary>
public enum FeedbackType : byte
{
    /// <summary>The user looked at the product.</summary>
    View = 0,

    /// <summary>The user liked it (a positive).</summary>
    Like = 1,

    /// <summary>The user bought it (a positive).</summary>
    Purchase = 2,
}

/// <summary>The source that filled a slate position.</summary>
public enum RecType : byte
{
    /// <summary>Collaborative filtering.</summary>
    Cf = 0,

    /// <summary>Image-embedding similarity.</summary>
    Image = 1,

    /// <summary>
    /// Neither: a product an outside recommender chose by its own means (the <c>other</c> source of the outside-policy
    /// protocol's slate mode, docs/outside-policies.md).
    /// </summary>
    Other = 2,
}

/// <summary>One row of interactions.csv.</summary>
/// <param name="Timestamp">Unix seconds.</param>
/// <param name="SessionId">The session (user number × 10^7 + the user's session number).</param>
/// <param name="User">User index.</param>
/// <param name="Item">Product index.</param>
/// <param name="Position">1-based slate position.</param>
/// <param name="Type">Feedback type.</param>
/// <param name="Source">The source of the position.</param>
public readonly record struct InteractionRecord(long Timestamp, long SessionId, int User, int Item, byte Position, FeedbackType Type, RecType Source)
{
    /// <summary>The file order: time, then session, position and type (view, like, purchase).</summary>
    public static int Compare(in InteractionRecord a, in InteractionRecord b)
    {
        int c = a.Timestamp.CompareTo(b.Timestamp);
        if (c != 0)
        {
            return c;
        }

        c = a.SessionId.CompareTo(b.SessionId);
        if (c != 0)
        {
            return c;
        }

        c = a.Position.CompareTo(b.Position);
        return c != 0 ? c : a.Type.CompareTo(b.Type);
    }
}

/// <summary>One row of sessions.csv (the bandit log).</summary>
/// <param name="StartedAt">Unix seconds.</param>
/// <param name="SessionId">The session id.</param>
/// <param name="User">User index.</param>
/// <param name="Arm">What was served.</param>
/// <param name="Propensity">The logging policy's probability of that choice.</param>
/// <param name="SlateSize">Products shown.</param>
/// <param name="Views">Views.</param>
/// <param name="Likes">Likes.</param>
/// <param name="Purchases">Purchases.</param>
public readonly record struct SessionRecord(long StartedAt, long SessionId, int User, Arm Arm, double Propensity, byte SlateSize, byte Views, byte Likes, byte Purchases)
{
    /// <summary>1 when the session had at least one like or purchase.</summary>
    public int Reward => Likes + Purchases > 0 ? 1 : 0;

    /// <summary>The file order: start time, then session.</summary>
    public static int Compare(in SessionRecord a, in SessionRecord b)
    {
        int c = a.StartedAt.CompareTo(b.StartedAt);
        return c != 0 ? c : a.SessionId.CompareTo(b.SessionId);
    }
}
