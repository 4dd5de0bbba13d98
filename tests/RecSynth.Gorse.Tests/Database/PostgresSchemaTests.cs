using System.Data.Common;
using RecSynth.Gorse.Database;
using RecSynth.Testing;

namespace RecSynth.Gorse.Tests.Database;

/// <summary>Gorse's tables in a real PostgreSQL database, read back from information_schema and pg_indexes.</summary>
public sealed class PostgresSchemaTests(PostgresFixture fixture) : GorseSchemaTests, IClassFixture<PostgresFixture>
{
    private protected override GorseDialect Dialect => GorseDialect.Postgres;

    private protected override string UsersWithTextLabelsSql =>
        """CREATE TABLE users (user_id varchar(256) COLLATE "C" NOT NULL PRIMARY KEY, labels text NOT NULL DEFAULT '[]', comment text NOT NULL DEFAULT '')""";

    private protected override async Task<DbConnection> OpenEmptyAsync() => await OpenAsync((await fixture.Server.CreateDatabaseAsync(Token)).GorseUrl);

    private protected override async Task<string> DescribeAsync(DbConnection connection) =>
        await ReadLinesAsync(connection, """
            SELECT table_name, column_name, data_type, character_maximum_length, collation_name, is_nullable, column_default
            FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position
            """) + "\n" + await ReadLinesAsync(connection, """
            SELECT k.table_name, t.constraint_type, string_agg(k.column_name, ',' ORDER BY k.ordinal_position)
            FROM information_schema.table_constraints t JOIN information_schema.key_column_usage k
              ON k.constraint_schema = t.constraint_schema AND k.constraint_name = t.constraint_name
            WHERE t.table_schema = 'public' GROUP BY k.table_name, t.constraint_type ORDER BY k.table_name
            """) + "\n" + await ReadLinesAsync(connection, "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY tablename, indexname");

    private protected override string Expected(string prefix) => $"""
        {prefix}feedback|feedback_type|character varying|256|C|NO|
        {prefix}feedback|user_id|character varying|256|C|NO|
        {prefix}feedback|item_id|character varying|256|C|NO|
        {prefix}feedback|value|double precision|||NO|0
        {prefix}feedback|time_stamp|timestamp with time zone|||NO|
        {prefix}feedback|updated|timestamp with time zone|||NO|'2000-01-01 00:00:00+00'::timestamp with time zone
        {prefix}feedback|labels|json|||YES|
        {prefix}feedback|comment|text|||NO|''::text
        {prefix}items|item_id|character varying|256|C|NO|
        {prefix}items|is_hidden|boolean|||NO|false
        {prefix}items|categories|json|||NO|'[]'::json
        {prefix}items|time_stamp|timestamp with time zone|||NO|
        {prefix}items|labels|json|||NO|'[]'::json
        {prefix}items|comment|text|||NO|''::text
        {prefix}users|user_id|character varying|256|C|NO|
        {prefix}users|labels|json|||NO|'[]'::json
        {prefix}users|comment|text|||NO|''::text
        {prefix}feedback|PRIMARY KEY|feedback_type,user_id,item_id
        {prefix}items|PRIMARY KEY|item_id
        {prefix}users|PRIMARY KEY|user_id
        {prefix}feedback_pkey|CREATE UNIQUE INDEX {prefix}feedback_pkey ON public.{prefix}feedback USING btree (feedback_type, user_id, item_id)
        item_id_index|CREATE INDEX item_id_index ON public.{prefix}feedback USING btree (item_id)
        user_id_index|CREATE INDEX user_id_index ON public.{prefix}feedback USING btree (user_id)
        {prefix}items_pkey|CREATE UNIQUE INDEX {prefix}items_pkey ON public.{prefix}items USING btree (item_id)
        time_stamp_index|CREATE INDEX time_stamp_index ON public.{prefix}items USING btree (time_stamp)
        {prefix}users_pkey|CREATE UNIQUE INDEX {prefix}users_pkey ON public.{prefix}users USING btree (user_id)
        """;
}
