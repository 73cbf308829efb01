using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ShipSec.LocalHost.Access;

/// <summary>
/// Access to the local host (section <c>Access</c>). In Azure the Functions host enforces function keys
/// (and App Service authentication, Entra ID bearer tokens); locally one configured key plays that part.
/// </summary>
public sealed class AccessOptions
{
    public const string SectionName = "Access";

    /// <summary>The API key; when empty, the local host is open (development only: a warning is logged at start).</summary>
    public string? ApiKey { get; set; }
}

/// <summary>
/// Checks the API key the way the Functions host checks function keys: the <c>x-functions-key</c> header
/// or the <c>code</c> query parameter, plus a cookie the dashboard gets by opening <c>/?key=…</c> once,
/// so browser requests and the SignalR connection carry it without the page handling secrets.
/// </summary>
internal sealed partial class ApiKeyAccess(IOptions<AccessOptions> options, ILogger<ApiKeyAccess> logger)
{
    public const string HeaderName = "x-functions-key";
    public const string CookieName = "shipsec-key";

    private readonly byte[]? key = string.IsNullOrEmpty(options.Value.ApiKey) ? null : Encoding.UTF8.GetBytes(options.Value.ApiKey);

    public bool IsOpen => key is null;

    public bool IsAuthorized(HttpRequest request)
    {
        if (key is null)
        {
            return true;
        }

        var presented = request.Headers[HeaderName].FirstOrDefault()
            ?? request.Query["code"].FirstOrDefault()
            ?? request.Cookies[CookieName];
        return presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), key);
    }

    /// <summary>401 problem details naming the header to send.</summary>
    public static Task WriteUnauthorizedAsync(HttpContext context) => Results.Problem(
        type: "urn:shipsec:problem:unauthorized",
        title: "An API key is required.",
        detail: $"Send the key the local host was started with in the {HeaderName} header (scripts/run prints it).",
        statusCode: StatusCodes.Status401Unauthorized,
        extensions: new Dictionary<string, object?>
        {
            ["errors"] = new[] { new { field = HeaderName, code = "unauthorized", message = "Missing or wrong API key." } },
        }).ExecuteAsync(context);

    /// <summary>
    /// Opening any page with <c>?key=</c> stores the key in an HttpOnly, same-site cookie and redirects to the
    /// same page without it, so the key does not linger in the address bar or history.
    /// </summary>
    public async Task HandleKeyLinkAsync(HttpContext context, RequestDelegate next)
    {
        var offered = context.Request.Query["key"].FirstOrDefault();
        if (offered is null || context.Request.Path.StartsWithSegments("/api"))
        {
            await next(context);
            return;
        }

        if (key is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(offered), key))
        {
            await WriteUnauthorizedAsync(context);
            return;
        }

        context.Response.Cookies.Append(CookieName, offered, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            IsEssential = true,
            Path = "/",
        });
        context.Response.Redirect(context.Request.PathBase + context.Request.Path);
    }

    public void LogStartup()
    {
        if (key is null)
        {
            LogOpen(logger);
        }
    }

    [LoggerMessage(4100, LogLevel.Warning, "Access:ApiKey is not set: the local host API is open to anyone who can reach it")]
    private static partial void LogOpen(ILogger logger);
}
