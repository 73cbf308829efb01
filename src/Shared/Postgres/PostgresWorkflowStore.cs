using System.Text.Json;
using Npgsql;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Json;

namespace ShipSec.Shared.Postgres;

/// <summary>Versioned workflow definitions in PostgreSQL, stored as jsonb.</summary>
public sealed class PostgresWorkflowStore(NpgsqlDataSource dataSource) : IWorkflowStore
{
    // The advisory lock serialises saves of one id, so two concurrent saves get consecutive versions
    // instead of one failing on the primary key.
    private const string LockWorkflow = "SELECT pg_advisory_xact_lock(hashtextextended('shipsec.workflow:' || $1, 0))";

    private const string InsertVersion = """
        INSERT INTO workflows (id, version, name, definition)
        SELECT $1, coalesce(max(version), 0) + 1, $2, $3
        FROM workflows
        WHERE id = $1
        RETURNING version, created_at
        """;

    private const string SelectLatest = """
        SELECT definition, version, created_at
        FROM workflows
        WHERE id = $1
        ORDER BY version DESC
        LIMIT 1
        """;

    private const string SelectVersion = """
        SELECT definition, version, created_at
        FROM workflows
        WHERE id = $1 AND version = $2
        """;

    /// <inheritdoc />
    public async Task<StoredWorkflow> SaveAsync(WorkflowDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var raw = JsonSerializer.Serialize(definition, ShipSecJson.Options);
        var json = PostgresText.StripJson(raw);
        var stored = ReferenceEquals(raw, json) ? definition : JsonSerializer.Deserialize<WorkflowDefinition>(json, ShipSecJson.Options)!;

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(LockWorkflow) { Parameters = { new NpgsqlParameter<string> { TypedValue = stored.Id } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(InsertVersion)
        {
            Parameters =
            {
                new NpgsqlParameter<string> { TypedValue = stored.Id },
                new NpgsqlParameter<string> { TypedValue = stored.Name },
                new NpgsqlParameter<string> { TypedValue = json, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb },
            },
        });

        int version;
        DateTimeOffset createdAt;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            await reader.NextResultAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException($"Saving workflow {stored.Id} returned no version.");
            }

            version = reader.GetInt32(0);
            createdAt = reader.GetFieldValue<DateTimeOffset>(1);
        }

        await transaction.CommitAsync(cancellationToken);
        return new StoredWorkflow(stored, version, createdAt);
    }

    /// <inheritdoc />
    public async Task<StoredWorkflow?> GetAsync(string workflowId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        await using var command = dataSource.CreateCommand(SelectLatest);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = workflowId });
        return await ReadOneAsync(command, workflowId, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<StoredWorkflow?> GetAsync(string workflowId, int version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        await using var command = dataSource.CreateCommand(SelectVersion);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = workflowId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
        return await ReadOneAsync(command, workflowId, cancellationToken);
    }

    private static async Task<StoredWorkflow?> ReadOneAsync(NpgsqlCommand command, string workflowId, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var definition = JsonSerializer.Deserialize<WorkflowDefinition>(reader.GetString(0), ShipSecJson.Options)
            ?? throw new InvalidDataException($"Workflow {workflowId} has a null definition.");
        return new StoredWorkflow(definition, reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2));
    }
}
