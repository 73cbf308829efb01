using Npgsql;
using NpgsqlTypes;
using ShipSec.Shared.Json;
using ShipSec.Shared.Trace;

namespace ShipSec.Shared.Postgres;

/// <summary>
/// Search across runs with PostgreSQL's built-in full-text search over <c>trace_events_search_idx</c> (migration 0009):
/// the WHERE clause repeats the index's expression and predicate so the planner can use it.
/// </summary>
public sealed class PostgresRunSearch(NpgsqlDataSource dataSource) : IRunSearch
{
    // websearch_to_tsquery accepts any text (quotes, or, -word; metacharacters are just text), so a query never
    // fails to parse. The snippet marks matches with plain-text markers, never markup.
    private const string Select = $"""
        SELECT e.run_id, r.workflow_id, e.node_id, e.sequence, e.ts,
               ts_headline('simple'::regconfig, coalesce(e.message, ''), q.query,
                   'StartSel={RunSearchResult.MatchStart}, StopSel={RunSearchResult.MatchEnd}, MaxWords=30, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "')
        FROM websearch_to_tsquery('simple'::regconfig, $1) AS q(query)
        JOIN trace_events e ON to_tsvector('simple'::regconfig, coalesce(e.message, '')) @@ q.query
        JOIN runs r ON r.run_id = e.run_id
        WHERE e.type IN ('NODE_LOG', 'NODE_FAILED', 'NODE_FINDING')
          AND ($2::text IS NULL OR r.workflow_id = $2)
          AND ($3::text IS NULL OR e.level = $3)
          AND ($4::text IS NULL OR e.node_id = $4)
          AND ($5::timestamptz IS NULL OR e.ts >= $5)
          AND ($6::timestamptz IS NULL OR e.ts <= $6)
          AND ($7::timestamptz IS NULL OR (e.ts, e.run_id, e.sequence) < ($7, $8::text, $9::bigint))
        ORDER BY e.ts DESC, e.run_id DESC, e.sequence DESC
        LIMIT $10
        """;

    /// <inheritdoc />
    public async Task<RunSearchPage> SearchAsync(RunSearchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var command = dataSource.CreateCommand(Select);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PostgresText.Strip(query.Text) });
        command.Parameters.Add(Nullable(query.WorkflowId, NpgsqlDbType.Text));
        command.Parameters.Add(Nullable(query.Level is { } level ? WireName.Of(level) : null, NpgsqlDbType.Text));
        command.Parameters.Add(Nullable(query.NodeId, NpgsqlDbType.Text));
        command.Parameters.Add(Nullable(query.From, NpgsqlDbType.TimestampTz));
        command.Parameters.Add(Nullable(query.To, NpgsqlDbType.TimestampTz));
        command.Parameters.Add(Nullable(query.After?.Timestamp, NpgsqlDbType.TimestampTz));
        command.Parameters.Add(Nullable(query.After?.RunId, NpgsqlDbType.Text));
        command.Parameters.Add(Nullable(query.After?.Sequence, NpgsqlDbType.Bigint));
        // One more than asked: whether a next page exists without a count.
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = query.Limit + 1 });
        var results = new List<RunSearchResult>(Math.Min(query.Limit + 1, 256));
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                results.Add(new RunSearchResult(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.GetInt64(3),
                    reader.GetFieldValue<DateTimeOffset>(4),
                    reader.GetString(5)));
            }
        }

        if (results.Count <= query.Limit)
        {
            return new RunSearchPage(results, null);
        }

        results.RemoveAt(results.Count - 1);
        return new RunSearchPage(results, RunSearchCursor.Of(results[^1]).ToString());
    }

    private static NpgsqlParameter Nullable(object? value, NpgsqlDbType type) => new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };
}
