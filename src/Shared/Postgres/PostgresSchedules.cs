using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using ShipSec.Shared.Json;
using ShipSec.Shared.Runs;

namespace ShipSec.Shared.Postgres;

/// <summary>
/// Schedules in PostgreSQL (<c>workflow_schedules</c>). A fire is claimed by locking its row with
/// <c>FOR UPDATE SKIP LOCKED</c> and moved on with an UPDATE in the same transaction as the run's start: a second
/// scheduler skips the locked row, and once the first commits the row is no longer due, so no fire starts twice.
/// </summary>
public sealed class PostgresSchedules(NpgsqlDataSource dataSource) : IScheduleStore
{
    private const string Columns = """
        schedule_id, workflow_id, cron, time_zone, masked_inputs, created_at, created_by, next_fire_at, last_fire_at, last_run_id
        """;

    private const string Insert = """
        INSERT INTO workflow_schedules (schedule_id, workflow_id, cron, time_zone, inputs, masked_inputs, created_at, created_by, next_fire_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        """;

    private const string List = $"SELECT {Columns} FROM workflow_schedules WHERE workflow_id = $1 ORDER BY created_at, schedule_id";

    private const string Delete = "DELETE FROM workflow_schedules WHERE workflow_id = $1 AND schedule_id = $2";

    // One row at a time: each fire commits on its own, so a slow start never holds other schedules' locks.
    private const string ClaimDue = """
        SELECT schedule_id, workflow_id, cron, time_zone, next_fire_at, inputs
        FROM workflow_schedules
        WHERE next_fire_at <= $1 AND schedule_id <> ALL($2)
        ORDER BY next_fire_at
        LIMIT 1
        FOR UPDATE SKIP LOCKED
        """;

    private const string Advance = """
        UPDATE workflow_schedules SET next_fire_at = $2, last_fire_at = $3, last_run_id = COALESCE($4, last_run_id)
        WHERE schedule_id = $1
        """;

    private const string NextDue = "SELECT min(next_fire_at) FROM workflow_schedules";

    /// <inheritdoc />
    public async Task CreateAsync(NewSchedule schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        await using var command = dataSource.CreateCommand(Insert);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schedule.ScheduleId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PostgresText.Strip(schedule.WorkflowId) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PostgresText.Strip(schedule.Cron) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PostgresText.Strip(schedule.TimeZone) });
        command.Parameters.Add(Json(schedule.Inputs));
        command.Parameters.Add(Json(schedule.MaskedInputs));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = schedule.CreatedAt.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = schedule.CreatedBy is null ? null : PostgresText.Strip(schedule.CreatedBy), NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = schedule.NextFireAt.ToUniversalTime() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<WorkflowSchedule>> ListAsync(string workflowId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(List);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PostgresText.Strip(workflowId) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var schedules = new List<WorkflowSchedule>();
        while (await reader.ReadAsync(cancellationToken))
        {
            schedules.Add(new WorkflowSchedule
            {
                ScheduleId = reader.GetString(0),
                WorkflowId = reader.GetString(1),
                Cron = reader.GetString(2),
                TimeZone = reader.GetString(3),
                Inputs = ReadInputs(reader, 4),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(5),
                CreatedBy = reader.IsDBNull(6) ? null : reader.GetString(6),
                NextFireAt = reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                LastFireAt = reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
                LastRunId = reader.IsDBNull(9) ? null : reader.GetString(9),
            });
        }

        return schedules;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string workflowId, string scheduleId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(Delete);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PostgresText.Strip(workflowId) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PostgresText.Strip(scheduleId) });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <inheritdoc />
    public async Task<int> FireDueAsync(
        DateTimeOffset now, int limit, Func<DueFire, CancellationToken, Task<FireOutcome>> start, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        var fired = 0;
        // A fire whose start threw stays due (its claim rolls back) and is left alone for the rest of this pass, so one
        // schedule that cannot start holds up no other; its failure is thrown once the others were taken.
        var failed = new List<string>();
        Exception? firstFailure = null;
        while (fired < limit)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            DueFire due;
            await using (var claim = new NpgsqlCommand(ClaimDue, connection, transaction))
            {
                claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime() });
                claim.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. failed] });
                await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
                if (!await reader.ReadAsync(cancellationToken))
                {
                    break;
                }

                due = new DueFire(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.GetFieldValue<DateTimeOffset>(4), ReadInputs(reader, 5));
            }

            FireOutcome outcome;
            try
            {
                outcome = await start(due, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                firstFailure ??= exception;
                failed.Add(due.ScheduleId);
                await transaction.RollbackAsync(cancellationToken);
                continue;
            }

            await using (var advance = new NpgsqlCommand(Advance, connection, transaction))
            {
                advance.Parameters.Add(new NpgsqlParameter<string> { TypedValue = due.ScheduleId });
                advance.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = outcome.NextFireAt?.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
                advance.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = due.FireAt.ToUniversalTime() });
                advance.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = outcome.RunId, NpgsqlDbType = NpgsqlDbType.Text });
                await advance.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            fired++;
        }

        if (firstFailure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(firstFailure);
        }

        return fired;
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(NextDue);
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime next
            ? new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc))
            : null;
    }

    private static NpgsqlParameter<string?> Json(IReadOnlyDictionary<string, JsonElement>? inputs) => new()
    {
        TypedValue = inputs is null ? null : PostgresText.StripJson(JsonSerializer.Serialize(inputs, ShipSecJson.Options)),
        NpgsqlDbType = NpgsqlDbType.Jsonb,
    };

    private static Dictionary<string, JsonElement>? ReadInputs(NpgsqlDataReader reader, int ordinal)
        => reader.IsDBNull(ordinal) ? null : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(reader.GetString(ordinal), ShipSecJson.Options);
}
