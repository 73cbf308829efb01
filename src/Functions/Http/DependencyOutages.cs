using System.Net.Sockets;
using Azure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using ShipSec.Shared.Postgres;
using ShipSec.Shared.Trace;

namespace ShipSec.Functions.Http;

/// <summary>
/// The one rule that turns an exception from an unavailable dependency (PostgreSQL down or restarting, storage
/// unreachable) into a 503 problem with <c>Retry-After</c> instead of a 500: the request was fine and may simply
/// be sent again. Both hosts apply it around every HTTP function (the Functions worker middleware and the local
/// host's pipeline).
/// </summary>
public static class DependencyOutages
{
    /// <summary>Seconds a caller is asked to wait before trying again.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>The dependency <paramref name="exception"/> says is unavailable (<c>postgres</c>, <c>storage</c>), or null when it is some other failure.</summary>
    public static string? Describe(Exception? exception)
    {
        if (exception is TraceStoreUnavailableException || PostgresFailures.IsUnavailable(exception))
        {
            return "postgres";
        }

        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                // Status 0: no answer at all (connection refused or cut); 5xx: the service answered that it cannot serve.
                case RequestFailedException { Status: 0 or >= 500 }:
                case HttpRequestException:
                case SocketException:
                    return "storage";
                case AggregateException aggregate when aggregate.InnerExceptions.Select(Describe).FirstOrDefault(d => d is not null) is { } inner:
                    return inner;
            }
        }

        return null;
    }

    /// <summary>The 503 problem for <paramref name="exception"/> when it is an outage (and logs it), otherwise null.</summary>
    public static IActionResult? ToProblem(Exception exception, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (Describe(exception) is not { } dependency)
        {
            return null;
        }

        FunctionsLog.RequestRefusedForOutage(logger, exception, dependency);
        return Problems.DependencyUnavailable(new Dictionary<string, string> { [dependency] = Summarise(exception) }, RetryAfterSeconds);
    }

    /// <summary>The innermost message, which names the cause (say, "Connection refused").</summary>
    public static string Summarise(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var innermost = exception;
        while (innermost.InnerException is { } inner)
        {
            innermost = inner;
        }

        return innermost == exception ? exception.Message : $"{exception.Message} ({innermost.Message})";
    }
}
