using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;

namespace RecSynth.Gorse.Database;

/// <summary>
/// Gorse's <c>[database] data_store</c> URL turned into a .NET driver connection string. The forms are Gorse's own:
/// <c>postgres://</c> or <c>postgresql://user:pass@host:port/db?sslmode=…</c> (lib/pq's URL),
/// <c>mysql://user:pass@tcp(host:port)/db?…</c> (go-sql-driver's DSN after the scheme) and <c>sqlite://path</c>.
/// No message and no <see cref="ToString"/> holds the password: <see cref="Display"/> shows it as <c>***</c>.
/// </summary>
internal sealed class GorseDatabaseUrl
{
    private const string Hidden = "***";

    private static readonly string[] s_postgresParameters = ["sslmode", "connect_timeout", "application_name", "search_path", "sslrootcert", "sslcert", "sslkey"];
    private static readonly string[] s_mySqlParameters =
        ["parseTime", "loc", "charset", "collation", "tls", "timeout", "readTimeout", "writeTimeout", "allowNativePasswords", "multiStatements", "interpolateParams", "maxAllowedPacket"];

    private GorseDatabaseUrl(GorseDialect dialect, string connectionString, string display)
    {
        Dialect = dialect;
        ConnectionString = connectionString;
        Display = display;
    }

    public GorseDialect Dialect { get; }

    /// <summary>The driver's connection string; holds the password, so it is never logged.</summary>
    public string ConnectionString { get; }

    /// <summary>The URL with the password shown as <c>***</c>.</summary>
    public string Display { get; }

    /// <summary>Parses a Gorse <c>data_store</c> URL; a <see cref="FormatException"/> names what is wrong, never the password.</summary>
    public static GorseDatabaseUrl Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        int schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        string scheme = schemeEnd < 0 ? "" : url[..schemeEnd];
        string rest = schemeEnd < 0 ? "" : url[(schemeEnd + 3)..];
        return scheme.ToLowerInvariant() switch
        {
            "postgres" or "postgresql" => ParsePostgres(scheme, rest),
            "mysql" => ParseMySql(rest),
            "sqlite" => ParseSqlite(rest),
            _ => throw Invalid(
                schemeEnd < 0 || scheme.Length > 20 || !scheme.All(char.IsAsciiLetterOrDigit)
                    ? "it does not start with postgres://, postgresql://, mysql:// or sqlite://"
                    : $"the scheme '{scheme}' is not one push writes to; use postgres://, postgresql://, mysql:// or sqlite://"),
        };
    }

    /// <summary>A closed connection with the driver the URL names.</summary>
    public DbConnection CreateConnection() => Dialect switch
    {
        GorseDialect.Postgres => new NpgsqlConnection(ConnectionString),
        GorseDialect.MySql => new MySqlConnection(ConnectionString),
        _ => new SqliteConnection(ConnectionString),
    };

    public override string ToString() => Display;

    /// <summary>The same URL with <paramref name="password"/> in place of the URL's own (read from a file or an environment variable).</summary>
    public GorseDatabaseUrl WithPassword(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        DbConnectionStringBuilder builder = Dialect switch
        {
            GorseDialect.Postgres => new NpgsqlConnectionStringBuilder(ConnectionString) { Password = password },
            GorseDialect.MySql => new MySqlConnectionStringBuilder(ConnectionString) { Password = password },
            _ => throw Invalid("a sqlite:// database takes no password"),
        };
        string display = Display.Contains($":{Hidden}@", StringComparison.Ordinal) ? Display : InsertHidden(Display);
        return new GorseDatabaseUrl(Dialect, builder.ConnectionString, display);
    }

    // postgres://user@host/db → postgres://user:***@host/db (a URL without a user gains none: the driver's default user).
    private static string InsertHidden(string display)
    {
        int scheme = display.IndexOf("://", StringComparison.Ordinal) + 3;
        int at = display.IndexOf('@', scheme);
        return at < 0 ? display : display[..at] + ":" + Hidden + display[at..];
    }

    // lib/pq: postgres://[user[:password]@][host][:port][/dbname][?param=value&…]. Everything before the last '@' is
    // user information, so no part of a password (even one with a raw '/' or '?') is ever read as host, port or database.
    private static GorseDatabaseUrl ParsePostgres(string scheme, string rest)
    {
        int at = rest.LastIndexOf('@');
        string userInfo = at < 0 ? "" : rest[..at];
        string afterUser = rest[(at + 1)..];
        int question = afterUser.IndexOf('?', StringComparison.Ordinal);
        string query = question < 0 ? "" : afterUser[(question + 1)..];
        string beforeQuery = question < 0 ? afterUser : afterUser[..question];
        int slash = beforeQuery.IndexOf('/', StringComparison.Ordinal);
        string hostPort = slash < 0 ? beforeQuery : beforeQuery[..slash];
        string database = slash < 0 ? "" : Uri.UnescapeDataString(beforeQuery[(slash + 1)..]);

        int colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        string user = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon]);
        string? password = colon < 0 ? null : Uri.UnescapeDataString(userInfo[(colon + 1)..]);

        var (host, port) = SplitHostPort(hostPort, 5432, scheme);
        if (host.Length == 0)
        {
            host = "localhost"; // lib/pq's default
        }

        if (database.Length == 0)
        {
            throw Invalid($"the {scheme} URL names no database: add /DATABASE after the host");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = host,
            Port = port,
            Database = database,
            SslMode = SslMode.Require, // lib/pq's default when sslmode is not given
        };
        if (user.Length > 0)
        {
            builder.Username = user;
        }

        if (password is not null)
        {
            builder.Password = password;
        }

        foreach (var (key, value) in Parameters(query, scheme, s_postgresParameters))
        {
            switch (key)
            {
                case "sslmode":
                    builder.SslMode = value switch
                    {
                        "disable" => SslMode.Disable,
                        "allow" => SslMode.Allow,
                        "prefer" => SslMode.Prefer,
                        "require" => SslMode.Require,
                        "verify-ca" => SslMode.VerifyCA,
                        "verify-full" => SslMode.VerifyFull,
                        _ => throw Invalid($"sslmode '{value}' in the {scheme} URL is not one of disable, allow, prefer, require, verify-ca, verify-full"),
                    };
                    break;
                case "connect_timeout":
                    builder.Timeout = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) && seconds <= 1024
                        ? seconds
                        : throw Invalid($"connect_timeout '{value}' in the {scheme} URL is not a whole number of seconds 0–1024");
                    break;
                case "application_name":
                    builder.ApplicationName = value;
                    break;
                case "search_path":
                    builder.SearchPath = value;
                    break;
                case "sslrootcert":
                    builder.RootCertificate = value;
                    break;
                case "sslcert":
                    builder.SslCertificate = value;
                    break;
                default: // sslkey
                    builder.SslKey = value;
                    break;
            }
        }

        string display = $"{scheme}://{DisplayUser(user, password)}{hostPort}/{database}{(query.Length == 0 ? "" : "?" + query)}";
        return new GorseDatabaseUrl(GorseDialect.Postgres, builder.ConnectionString, display);
    }

    // go-sql-driver's ParseDSN: [user[:password]@][net[(addr)]]/dbname[?param=value&…], split at the last '/' and,
    // before it, the last '@', as the Go driver does.
    private static GorseDatabaseUrl ParseMySql(string dsn)
    {
        int slash = dsn.LastIndexOf('/');

        // An '@' after the last '/' means no '/' follows the user information: what follows it may be the password.
        if (slash < 0 || dsn.IndexOf('@', slash) >= 0)
        {
            throw Invalid("the mysql URL has no '/' before the database: use mysql://USER:PASSWORD@tcp(HOST:PORT)/DATABASE");
        }

        string beforeSlash = dsn[..slash];
        int at = beforeSlash.LastIndexOf('@');
        string userInfo = at < 0 ? "" : beforeSlash[..at];
        string netAddr = beforeSlash[(at + 1)..];
        string afterSlash = dsn[(slash + 1)..];
        int question = afterSlash.IndexOf('?', StringComparison.Ordinal);
        string database = Uri.UnescapeDataString(question < 0 ? afterSlash : afterSlash[..question]);
        string query = question < 0 ? "" : afterSlash[(question + 1)..];

        int colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        string user = colon < 0 ? userInfo : userInfo[..colon];
        string? password = colon < 0 ? null : userInfo[(colon + 1)..];

        string network = netAddr;
        string address = "";
        int open = netAddr.IndexOf('(', StringComparison.Ordinal);
        if (open >= 0)
        {
            if (!netAddr.EndsWith(')'))
            {
                throw Invalid($"the address '{netAddr}' in the mysql URL has no closing ')': use tcp(HOST:PORT) or unix(SOCKET)");
            }

            network = netAddr[..open];
            address = netAddr[(open + 1)..^1];
        }

        var builder = new MySqlConnectionStringBuilder { SslMode = MySqlSslMode.None }; // go-sql-driver's default: tls=false
        switch (network)
        {
            case "" or "tcp":
                if (network.Length == 0 && address.Length > 0)
                {
                    throw Invalid("the mysql URL gives an address without a network: use tcp(HOST:PORT) or unix(SOCKET)");
                }

                var (host, port) = SplitHostPort(address, 3306, "mysql");
                builder.Server = host.Length == 0 ? "127.0.0.1" : host;
                builder.Port = (uint)port;
                break;
            case "unix":
                builder.Server = address.Length == 0 ? "/tmp/mysql.sock" : address;
                builder.ConnectionProtocol = MySqlConnectionProtocol.UnixSocket;
                break;
            default:
                throw Invalid($"the network '{network}' in the mysql URL is not tcp or unix");
        }

        if (database.Length == 0)
        {
            throw Invalid("the mysql URL names no database: add the database after the '/'");
        }

        builder.Database = database;
        if (user.Length > 0)
        {
            builder.UserID = user;
        }

        if (password is not null)
        {
            builder.Password = password;
        }

        foreach (var (key, value) in Parameters(query, "mysql", s_mySqlParameters))
        {
            switch (key)
            {
                case "tls":
                    builder.SslMode = value switch
                    {
                        "false" => MySqlSslMode.None,
                        "preferred" => MySqlSslMode.Preferred,
                        "skip-verify" => MySqlSslMode.Required,
                        "true" => MySqlSslMode.VerifyFull,
                        _ => throw Invalid($"tls '{value}' in the mysql URL is not one of false, preferred, skip-verify, true"),
                    };
                    break;
                case "timeout":
                    builder.ConnectionTimeout = (uint?)GoDurationSeconds(value)
                        ?? throw Invalid($"timeout '{value}' in the mysql URL is not a Go duration such as 10s, 1m30s or 500ms");
                    break;
                case "charset":
                    builder.CharacterSet = value.Split(',')[0];
                    break;
                default:
                    break; // parseTime, loc and the rest shape how Go reads rows, not how we connect
            }
        }

        string display = $"mysql://{DisplayUser(user, password)}{netAddr}/{database}{(query.Length == 0 ? "" : "?" + query)}";
        return new GorseDatabaseUrl(GorseDialect.MySql, builder.ConnectionString, display);
    }

    // Gorse strips "sqlite://" and hands the rest to the driver as a file name.
    private static GorseDatabaseUrl ParseSqlite(string path)
    {
        if (path.Length == 0)
        {
            throw Invalid("the sqlite URL names no file: use sqlite://PATH, e.g. sqlite:///var/lib/gorse/data.db");
        }

        if (path.Contains('?', StringComparison.Ordinal))
        {
            throw Invalid("query parameters in a sqlite URL are not supported: use sqlite://PATH");
        }

        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false };
        return new GorseDatabaseUrl(GorseDialect.Sqlite, builder.ConnectionString, "sqlite://" + path);
    }

    private static (string Host, int Port) SplitHostPort(string hostPort, int defaultPort, string scheme)
    {
        string host = hostPort;
        string port = "";
        if (hostPort.StartsWith('['))
        {
            int close = hostPort.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw Invalid($"the IPv6 host '{hostPort}' in the {scheme} URL has no closing ']'");
            }

            host = hostPort[1..close];
            string after = hostPort[(close + 1)..];
            if (after.Length > 0 && !after.StartsWith(':'))
            {
                throw Invalid($"'{after}' after the IPv6 host in the {scheme} URL is not ':PORT'");
            }

            port = after.Length > 0 ? after[1..] : "";
        }
        else
        {
            int colon = hostPort.LastIndexOf(':');
            if (colon >= 0)
            {
                host = hostPort[..colon];
                port = hostPort[(colon + 1)..];
                if (host.Contains(':', StringComparison.Ordinal))
                {
                    throw Invalid($"the host '{hostPort}' in the {scheme} URL has several ':'; write an IPv6 address as [ADDRESS]:PORT");
                }
            }
        }

        if (port.Length == 0)
        {
            return (host, defaultPort);
        }

        return int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number is >= 1 and <= 65535
            ? (host, number)
            : throw Invalid($"the port '{port}' in the {scheme} URL is not a number 1–65535");
    }

    private static List<(string Key, string Value)> Parameters(string query, string scheme, string[] known)
    {
        var parameters = new List<(string, string)>();
        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            string key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            string value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
            if (!known.Contains(key, StringComparer.Ordinal))
            {
                // The value is not echoed: an unknown parameter may carry a secret.
                throw Invalid($"the parameter '{(key.Length <= 40 ? key : key[..40] + "…")}' in the {scheme} URL is not supported; supported: {string.Join(", ", known)}");
            }

            parameters.Add((key, value));
        }

        return parameters;
    }

    // Go's time.ParseDuration for the units a timeout uses (h, m, s, ms), rounded up to whole seconds.
    private static int? GoDurationSeconds(string text)
    {
        double total = 0;
        int index = 0;
        while (index < text.Length)
        {
            int start = index;
            while (index < text.Length && (char.IsAsciiDigit(text[index]) || text[index] == '.'))
            {
                index++;
            }

            if (index == start || !double.TryParse(text.AsSpan(start, index - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount))
            {
                return null;
            }

            int unitStart = index;
            while (index < text.Length && char.IsAsciiLetter(text[index]))
            {
                index++;
            }

            double? scale = text[unitStart..index] switch { "h" => 3600, "m" => 60, "s" => 1, "ms" => 0.001, _ => null };
            if (scale is null)
            {
                return null;
            }

            total += amount * scale.Value;
        }

        return text.Length == 0 || total > int.MaxValue ? null : (int)Math.Ceiling(total);
    }

    private static string DisplayUser(string user, string? password) =>
        user.Length == 0 && password is null ? "" : password is null ? user + "@" : $"{user}:{Hidden}@";

    [StackTraceHidden]
    private static FormatException Invalid(string problem) => new($"The database URL is not one Gorse takes: {problem}.");
}
