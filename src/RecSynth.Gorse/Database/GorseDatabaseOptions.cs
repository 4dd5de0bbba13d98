namespace RecSynth.Gorse;

/// <summary>How <see cref="GorseDatabasePush"/> loads into Gorse's database.</summary>
public sealed record GorseDatabaseOptions
{
    /// <summary>Gorse's <c>[database] table_prefix</c>: the tables are <c>{prefix}users</c>, <c>{prefix}items</c>, <c>{prefix}feedback</c>.</summary>
    public string TablePrefix { get; init => field = value ?? ""; } = "";

    /// <summary>Rows per transaction; null takes the dialect's default (PostgreSQL 50,000, MySQL 5,000, SQLite 10,000).</summary>
    public int? BatchSize { get; init; }

    /// <summary>Skip the batches the database records as committed by the same load.</summary>
    public bool Resume { get; init; }

    /// <summary>The password, in place of the URL's (read from a file or an environment variable, never the command line).</summary>
    public string? Password { get; init; }

    /// <summary>Reconnections after a lost connection (or a deadlock) before the load gives up.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>The pause before the first reconnection; it doubles with each.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Told of each retry, with what failed (never the password).</summary>
    public Action<string>? OnRetry { get; init; }
}
