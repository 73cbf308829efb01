using System.Diagnostics.CodeAnalysis;

namespace ShipSec.Shared.Realtime;

/// <summary>The parts of an Azure SignalR Service connection string this app uses: the endpoint and the access key.</summary>
/// <param name="Endpoint">The service's base URL (with <c>Port</c> applied), no trailing slash.</param>
/// <param name="AccessKey">The key access tokens are signed with.</param>
public sealed record AzureSignalRConnectionString(Uri Endpoint, string AccessKey)
{
    /// <summary>The endpoint as text without a trailing slash, the prefix of every REST and client URL.</summary>
    public string BaseUrl => Endpoint.GetLeftPart(UriPartial.Authority);

    /// <summary>Parses <c>Endpoint=...;AccessKey=...;Version=1.0;[Port=...;]</c>; keys are case-insensitive, unknown keys are ignored.</summary>
    public static bool TryParse(string? connectionString, [NotNullWhen(true)] out AzureSignalRConnectionString? parsed, [NotNullWhen(false)] out string? error)
    {
        parsed = null;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            error = "The connection string is empty.";
            return false;
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                error = $"'{part}' is not a key=value pair.";
                return false;
            }

            // Access keys are base64 and may end in '=': split at the first '=' only.
            values[part[..equals].Trim()] = part[(equals + 1)..].Trim();
        }

        if (!values.TryGetValue("Endpoint", out var endpointText)
            || !Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint)
            || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            error = "Endpoint must be an absolute http(s) URL.";
            return false;
        }

        if (!values.TryGetValue("AccessKey", out var accessKey) || accessKey.Length == 0)
        {
            // Microsoft Entra authentication (AuthType=azure) needs a token credential this app does not implement.
            error = "AccessKey is required.";
            return false;
        }

        if (values.TryGetValue("Port", out var portText))
        {
            if (!int.TryParse(portText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                error = "Port must be a number from 1 to 65535.";
                return false;
            }

            endpoint = new UriBuilder(endpoint) { Port = port }.Uri;
        }

        parsed = new AzureSignalRConnectionString(new Uri(endpoint.GetLeftPart(UriPartial.Authority)), accessKey);
        error = null;
        return true;
    }
}
