using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using ShipSec.Shared.Dsl;
using ShipSec.Shared.Postgres;
using ShipSec.Shared.Replay;
using ShipSec.Shared.Runs;
using ShipSec.Shared.Trace;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL stores.</summary>
public static class PostgresServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="PostgresOptions"/> (section <c>Postgres</c>, falling back to <c>ConnectionStrings:Postgres</c>),
    /// an <see cref="NpgsqlDataSource"/> on the configured schema, the <see cref="PostgresMigrator"/> as the first
    /// hosted service, and <see cref="ITraceStore"/>, <see cref="IRunStore"/> <see cref="IWorkflowStore"/>, and for replay <see cref="IRunHistory"/> and <see cref="RunReplay"/>.
    /// </summary>
    public static IServiceCollection AddShipSecPostgres(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(descriptor => descriptor.ServiceType == typeof(PostgresMigrator)))
        {
            return services;
        }

        services.AddOptions<PostgresOptions>()
            .BindConfiguration(PostgresOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) =>
            {
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    options.ConnectionString = configuration.GetConnectionString("Postgres") ?? "";
                }

                if (string.IsNullOrWhiteSpace(options.OwnerConnectionString))
                {
                    options.OwnerConnectionString = configuration.GetConnectionString("PostgresOwner") ?? "";
                }
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<PostgresOptions>>().Value
            .CreateDataSource(provider.GetService<ILoggerFactory>()));

        services.AddSingleton<PostgresMigrator>();
        // First in line, so no hosted service starts against tables that do not exist yet (the migrator
        // also works in StartingAsync, which every hosted service passes before any StartAsync).
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(provider => provider.GetRequiredService<PostgresMigrator>()));

        services.TryAddSingleton<PostgresTraceStore>();
        services.TryAddSingleton<ITraceStore>(provider => provider.GetRequiredService<PostgresTraceStore>());
        services.TryAddSingleton<PostgresRunStore>();
        services.TryAddSingleton<IRunStore>(provider => provider.GetRequiredService<PostgresRunStore>());
        services.TryAddSingleton<IIdempotencyStore, PostgresIdempotencyStore>();
        services.TryAddSingleton<IScheduleStore, PostgresSchedules>();
        services.TryAddSingleton<PostgresWorkflowStore>();
        services.TryAddSingleton<IWorkflowStore>(provider => provider.GetRequiredService<PostgresWorkflowStore>());
        services.TryAddSingleton<PostgresRunHistory>();
        services.TryAddSingleton<IRunHistory>(provider => provider.GetRequiredService<PostgresRunHistory>());
        services.TryAddSingleton<PostgresRunFindings>();
        services.TryAddSingleton<IRunFindings>(provider => provider.GetRequiredService<PostgresRunFindings>());
        services.TryAddSingleton<IRunBaselines, PostgresBaselines>();
        services.TryAddSingleton<IRunSearch, PostgresRunSearch>();
        services.TryAddSingleton<RunReplay>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDependencyProbe, PostgresProbe>());
        return services;
    }
}
