using System.Net.Sockets;
using Npgsql;

namespace ShipSec.Shared.Postgres;

/// <summary>
/// Tells an outage of PostgreSQL (the server unreachable, shutting down, starting up, or a connection it cut)
/// apart from an error in what was asked of it, and recovers the connection pool after a restart.
/// </summary>
public static class PostgresFailures
{
    /// <summary>
    /// True when <paramref name="exception"/> (or one it wraps) says the server is unavailable right now, so the
    /// same request may succeed later: connection refused or lost, admin shutdown (<c>57P01</c>), crash
    /// shutdown (<c>57P02</c>), starting up (<c>57P03</c>), too many connections (<c>53300</c>), a connection
    /// exception (class <c>08</c>), or a timeout while connecting.
    /// </summary>
    public static bool IsUnavailable(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PostgresException postgres:
                    return IsUnavailableState(postgres.SqlState);
                // Only Npgsql's own exceptions speak for PostgreSQL: a socket error elsewhere in the chain may be storage's.
                case NpgsqlException npgsql:
                    return npgsql.IsTransient || npgsql.InnerException is SocketException or IOException or TimeoutException;
            }
        }

        return false;
    }

    /// <summary>
    /// True when the server ended the connection the request ran on (a restart's <c>57P01</c>, or the socket
    /// closed under it): every other idle connection of the pool was most likely cut by the same restart.
    /// </summary>
    public static bool IsConnectionLost(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is PostgresException postgres)
            {
                return postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                    || postgres.SqlState.StartsWith("08", StringComparison.Ordinal);
            }

            if (current is NpgsqlException { InnerException: IOException or SocketException or EndOfStreamException })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Runs <paramref name="operation"/>; when it fails because the server cut its connection (say, a pooled
    /// connection a restart had killed), drops the pool's idle connections and runs it once more, so the first
    /// requests after an outage do not fail on what the outage broke. Only for operations that are safe to repeat.
    /// </summary>
    public static async Task<T> RetryOnceOnLostConnectionAsync<T>(
        NpgsqlDataSource dataSource, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(operation);
        try
        {
            return await operation(cancellationToken);
        }
        catch (Exception exception) when (IsConnectionLost(exception) && !cancellationToken.IsCancellationRequested)
        {
            dataSource.Clear();
            return await operation(cancellationToken);
        }
    }

    private static bool IsUnavailableState(string state) => state is PostgresErrorCodes.AdminShutdown
        or PostgresErrorCodes.CrashShutdown
        or PostgresErrorCodes.CannotConnectNow
        or PostgresErrorCodes.TooManyConnections
        or PostgresErrorCodes.InsufficientResources
        || state.StartsWith("08", StringComparison.Ordinal);
}
