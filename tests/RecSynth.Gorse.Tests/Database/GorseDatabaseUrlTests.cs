using CsCheck;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;
using RecSynth.Gorse.Database;

namespace RecSynth.Gorse.Tests.Database;

/// <summary>Gorse's data_store URL forms to driver connection strings; bad forms named, the password never shown.</summary>
public sealed class GorseDatabaseUrlTests
{
    private const string Secret = "Pw7q:Zq8k/X9vw@Kv3m";

    [Theory]
    [InlineData("postgres")]
    [InlineData("postgresql")]
    public void A_postgres_url_becomes_an_npgsql_connection_string(string scheme)
    {
        var url = GorseDatabaseUrl.Parse($"{scheme}://gorse:{Uri.EscapeDataString(Secret)}@db.example:6543/gorse_data?sslmode=disable&application_name=recsynth");

        var builder = new NpgsqlConnectionStringBuilder(url.ConnectionString);
        Assert.Equal(GorseDialect.Postgres, url.Dialect);
        Assert.Equal(("db.example", 6543, "gorse", Secret, "gorse_data", SslMode.Disable, "recsynth"),
            (builder.Host, builder.Port, builder.Username, builder.Password, builder.Database, builder.SslMode, builder.ApplicationName));
        Assert.Equal($"{scheme}://gorse:***@db.example:6543/gorse_data?sslmode=disable&application_name=recsynth", url.Display);
        Assert.DoesNotContain(Secret, url.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_postgres_url_takes_lib_pq_defaults_port_5432_and_sslmode_require()
    {
        var builder = new NpgsqlConnectionStringBuilder(GorseDatabaseUrl.Parse("postgres://gorse@[::1]/gorse").ConnectionString);

        Assert.Equal(("::1", 5432, SslMode.Require, null), (builder.Host, builder.Port, builder.SslMode, builder.Password));
    }

    [Fact]
    public void A_mysql_url_becomes_a_mysqlconnector_connection_string()
    {
        var url = GorseDatabaseUrl.Parse($"mysql://gorse:{Secret}@tcp(10.0.0.5:3307)/gorse?parseTime=true&timeout=1m30s");

        var builder = new MySqlConnectionStringBuilder(url.ConnectionString);
        Assert.Equal(GorseDialect.MySql, url.Dialect);
        Assert.Equal(("10.0.0.5", 3307u, "gorse", Secret, "gorse", MySqlSslMode.None, 90u),
            (builder.Server, builder.Port, builder.UserID, builder.Password, builder.Database, builder.SslMode, builder.ConnectionTimeout));
        Assert.Equal("mysql://gorse:***@tcp(10.0.0.5:3307)/gorse?parseTime=true&timeout=1m30s", url.Display);
    }

    [Fact]
    public void A_mysql_url_over_a_unix_socket_and_one_without_an_address()
    {
        var socket = new MySqlConnectionStringBuilder(GorseDatabaseUrl.Parse("mysql://root@unix(/run/mysqld/mysqld.sock)/gorse").ConnectionString);
        var bare = new MySqlConnectionStringBuilder(GorseDatabaseUrl.Parse("mysql://root:pw@/gorse").ConnectionString);

        Assert.Equal(("/run/mysqld/mysqld.sock", MySqlConnectionProtocol.UnixSocket), (socket.Server, socket.ConnectionProtocol));
        Assert.Equal(("127.0.0.1", 3306u), (bare.Server, bare.Port));
    }

    [Fact]
    public void A_sqlite_url_names_the_file()
    {
        var url = GorseDatabaseUrl.Parse("sqlite:///var/lib/gorse/data.db");

        Assert.Equal(GorseDialect.Sqlite, url.Dialect);
        Assert.Equal("/var/lib/gorse/data.db", new SqliteConnectionStringBuilder(url.ConnectionString).DataSource);
    }

    [Theory]
    [InlineData("redis://gorse:" + Secret + "@h:6379/0", "the scheme 'redis' is not one push writes to")]
    [InlineData("gorse:" + Secret + "@h/db", "it does not start with postgres://, postgresql://, mysql:// or sqlite://")]
    [InlineData("postgres://gorse:" + Secret + "@h:54x2/db", "the port '54x2' in the postgres URL is not a number 1–65535")]
    [InlineData("postgres://gorse:" + Secret + "@h:70000/db", "the port '70000' in the postgres URL is not a number 1–65535")]
    [InlineData("postgres://gorse:" + Secret + "@h:5432", "the postgres URL names no database")]
    [InlineData("postgresql://gorse:" + Secret + "@h/db?sslmode=on", "sslmode 'on' in the postgresql URL is not one of disable, allow, prefer, require, verify-ca, verify-full")]
    [InlineData("postgres://gorse:" + Secret + "@h/db?password=Pw7qZq8k", "the parameter 'password' in the postgres URL is not supported")]
    [InlineData("postgres://gorse:" + Secret + "@[::1/db", "has no closing ']'")]
    [InlineData("mysql://gorse:" + Secret + "@tcp(h:3306)/", "the mysql URL names no database")]
    [InlineData("mysql://gorse:" + Secret + "@udp(h:3306)/gorse", "the network 'udp' in the mysql URL is not tcp or unix")]
    [InlineData("mysql://gorse:" + Secret + "@tcp(h:3306/gorse", "has no closing ')'")]
    [InlineData("mysql://gorse:" + Secret + "@tcp(h:abc)/gorse", "the port 'abc' in the mysql URL is not a number 1–65535")]
    [InlineData("mysql://gorse:" + Secret + "@tcp(h)/gorse?timeout=soon", "timeout 'soon' in the mysql URL is not a Go duration")]
    [InlineData("mysql://gorse:" + Secret + "@tcp(h)/gorse?sql_mode=x", "the parameter 'sql_mode' in the mysql URL is not supported")]
    [InlineData("mysql://gorse:" + Secret, "the mysql URL has no '/' before the database")]
    [InlineData("sqlite://", "the sqlite URL names no file")]
    [InlineData("sqlite://data.db?_pragma=foreign_keys(1)", "query parameters in a sqlite URL are not supported")]
    public void A_bad_url_is_refused_naming_what_is_wrong_and_never_the_password(string text, string problem)
    {
        var error = Assert.Throws<FormatException>(() => GorseDatabaseUrl.Parse(text));

        Assert.StartsWith("The database URL is not one Gorse takes: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        foreach (string part in Secret.Split(':', '/', '@'))
        {
            Assert.DoesNotContain(part, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void No_parse_failure_ever_shows_the_password() =>
        Gen.String[Gen.Char["abc:/@?()[]%&=.1"], 0, 24].Sample(noise =>
        {
            foreach (string scheme in new[] { "postgres://", "mysql://" })
            {
                try
                {
                    GorseDatabaseUrl.Parse($"{scheme}u:pw{noise}SECRET{noise}@{noise}");
                }
                catch (FormatException error) when (!error.Message.Contains("SECRET", StringComparison.Ordinal))
                {
                }
            }
        });
}
