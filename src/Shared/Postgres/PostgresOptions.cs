using System.ComponentModel.DataAnnotations;
using Azure.Core;
using Azure.Identity;
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
    /// Optional Npgsql connection string of the role that owns the schema and runs the migrations (falls back to
    /// <c>ConnectionStrings:PostgresOwner</c>). When set, the role of <see cref="ConnectionString"/> is the app's
    /// least-privileged role: after migrating, the owner grants it reading and writing the tables, but neither
    /// updating nor deleting trace events. When empty, one role does both and no grants are made.
    /// </summary>
    public string OwnerConnectionString { get; set; } = "";

    /// <summary>
    /// The schema holding every table; connections use it as their <c>search_path</c>, so several
    /// deployments (or test classes) can share one database.
    /// </summary>
    [Required]
    [RegularExpression("^[a-z_][a-z0-9_]{0,62}$", ErrorMessage = "Schema must be a lowercase PostgreSQL identifier (a-z, 0-9, _; at most 63 characters).")]
    public string Schema { get; set; } = "shipsec";

    /// <summary>
    /// Sign in with an Entra ID access token of the app's identity (Azure Database for PostgreSQL with Entra
    /// authentication) instead of a password: the connection string names the role and holds no secret.
    /// </summary>
    public bool EntraAuthentication { get; set; }

    /// <summary>The token audience of Azure Database for PostgreSQL.</summary>
    public const string EntraScope = "https://ossrdbms-aad.database.windows.net/.default";

    /// <summary>A data source whose connections use <see cref="Schema"/> as their <c>search_path</c>.</summary>
    /// <param name="loggerFactory">Npgsql's logging.</param>
    /// <param name="credential">The identity for <see cref="EntraAuthentication"/>; <see cref="DefaultAzureCredential"/> (the managed identity in Azure) when null.</param>
    public NpgsqlDataSource CreateDataSource(ILoggerFactory? loggerFactory = null, TokenCredential? credential = null)
        => CreateDataSource(ConnectionString, loggerFactory, credential);

    /// <summary>A data source of the owner role (or of the app's when no owner is configured), for migrations.</summary>
    public NpgsqlDataSource CreateOwnerDataSource(ILoggerFactory? loggerFactory = null, TokenCredential? credential = null)
        => CreateDataSource(string.IsNullOrWhiteSpace(OwnerConnectionString) ? ConnectionString : OwnerConnectionString, loggerFactory, credential);

    private NpgsqlDataSource CreateDataSource(string connectionString, ILoggerFactory? loggerFactory, TokenCredential? credential)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.SearchPath = Schema;
        if (EntraAuthentication)
        {
            // The token is the password: one in the connection string (a local default, say) would make Npgsql refuse the provider.
            builder.ConnectionStringBuilder.Password = null;
            builder.ConnectionStringBuilder.Passfile = null;
            var identity = credential ?? new DefaultAzureCredential();
            var request = new TokenRequestContext([EntraScope]);

            // Tokens live about an hour: refreshed well before, and retried quickly after a failure. Only
            // new physical connections ask for one, so pooled connections keep working meanwhile.
            builder.UsePeriodicPasswordProvider(
                async (_, cancellationToken) => (await identity.GetTokenAsync(request, cancellationToken).ConfigureAwait(false)).Token,
                TimeSpan.FromMinutes(30),
                TimeSpan.FromSeconds(5));
        }

        if (loggerFactory is not null)
        {
            builder.UseLoggerFactory(loggerFactory);
        }

        return builder.Build();
    }
}
