using Microsoft.Extensions.Logging;

namespace ShipSec.Shared.Postgres;

/// <summary>Log messages of the PostgreSQL stores (event ids 2000–2099).</summary>
internal static partial class PostgresLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Applied migration {Migration} to schema {Schema}")]
    public static partial void MigrationApplied(ILogger logger, string migration, string schema);
}
