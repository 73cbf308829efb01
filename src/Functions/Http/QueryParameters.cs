using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ShipSec.Functions.Http;

/// <summary>Reading optional query parameters, with a problem naming <c>?name</c> when one is malformed.</summary>
internal static class QueryParameters
{
    /// <summary>A whole number within [<paramref name="min"/>, <paramref name="max"/>], or <paramref name="fallback"/> when absent.</summary>
    public static bool TryReadLong(HttpRequest request, string name, long fallback, long min, long max, out long value, out IActionResult? problem)
    {
        problem = null;
        var text = request.Query[name].FirstOrDefault();
        if (string.IsNullOrEmpty(text))
        {
            value = fallback;
            return true;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max)
        {
            return true;
        }

        problem = Problems.InvalidParameter($"?{name}", $"'{name}' must be a whole number from {min} to {max}.");
        return false;
    }

    /// <summary>An ISO-8601 timestamp (UTC unless it says otherwise), or null when absent.</summary>
    public static bool TryReadTime(HttpRequest request, string name, out DateTimeOffset? value, out IActionResult? problem)
    {
        value = null;
        problem = null;
        var text = request.Query[name].FirstOrDefault();
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            value = parsed;
            return true;
        }

        problem = Problems.InvalidParameter($"?{name}", $"'{name}' must be an ISO-8601 timestamp such as 2026-11-25T13:02:00Z.");
        return false;
    }
}
