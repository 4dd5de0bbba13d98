namespace RecSynth.Gorse.Database;

/// <summary>The SQL data stores Gorse's <c>data_store</c> URL can name that push writes to directly.</summary>
internal enum GorseDialect
{
    Postgres,
    MySql,
    Sqlite,
}
