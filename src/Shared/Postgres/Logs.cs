using Microsoft.Extensions.Logging;

namespace ShipSec.Shared.Postgres;

/// <summary>Log messages of the PostgreSQL stores (event ids 1100–1199).</summary>
internal static partial class PostgresLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Applied migration {Migration} to schema {Schema}")]
    public static partial void MigrationApplied(ILogger logger, string migration, string schema);
}
