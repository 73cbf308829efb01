using ShipSec.Functions.Http;

namespace ShipSec.LocalHost.Access;

/// <summary>
/// The local host's side of <see cref="ApiAccessPolicy"/>: the dashboard link <c>/?key=…</c>, which stores
/// the key in an HttpOnly, same-site cookie, so browser requests and the page carry it without the page
/// handling secrets, and a warning when the host runs open. A cookie alone never changes state: the policy
/// also asks for the dashboard's anti-forgery proof.
/// </summary>
internal sealed class ApiKeyAccess(ApiAccessPolicy policy, ApiKeyValidator keys, ILogger<ApiKeyAccess> logger)
{
    /// <summary>
    /// Opening any page with <c>?key=</c> stores the key in a cookie and redirects to the same page without
    /// it, so the key does not linger in the address bar or history.
    /// </summary>
    public async Task HandleKeyLinkAsync(HttpContext context, RequestDelegate next)
    {
        var offered = context.Request.Query["key"].FirstOrDefault();
        if (offered is null || context.Request.Path.StartsWithSegments("/api"))
        {
            await next(context);
            return;
        }

        if (keys.Find(offered) is null)
        {
            await ApiResponses.ExecuteAsync(context, policy.Unauthorized());
            return;
        }

        context.Response.Cookies.Append(ApiKeyValidator.CookieName, offered, new CookieOptions
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
        if (policy.IsOpen)
        {
            LocalHostLog.ApiOpen(logger);
        }
    }
}
