using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ShipSec.Shared.Postgres;

/// <summary>
/// Where the trace, run and workflow stores live. Bound from the <c>Postgres</c> section; an empty
/// <see cref="ConnectionString"/> falls back to <c>ConnectionStrings:Postgres</c>.
/// </summary>
public sealed class PostgresOptions
{
    /// <summary>The configuration section bound to these options.</summary>
    public const string SectionName = "Postgres";

    /// <summary>Npgsql connection string.</summary>
    [Required]
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// The schema holding every table; connections use it as their <c>search_path</c>, so several
    /// deployments (or test classes) can share one database.
    /// </summary>
    [Required]
    [RegularExpression("^[a-z_][a-z0-9_]{0,62}$", ErrorMessage = "Schema must be a lowercase PostgreSQL identifier (a-z, 0-9, _; at most 63 characters).")]
    public string Schema { get; set; } = "shipsec";

    /// <summary>A data source whose connections use <see cref="Schema"/> as their <c>search_path</c>.</summary>
    public NpgsqlDataSource CreateDataSource(ILoggerFactory? loggerFactory = null)
    {
        var builder = new NpgsqlDataSourceBuilder(ConnectionString);
        builder.ConnectionStringBuilder.SearchPath = Schema;
        if (loggerFactory is not null)
        {
            builder.UseLoggerFactory(loggerFactory);
        }

        return builder.Build();
    }
}
