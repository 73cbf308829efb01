using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace ShipSec.Functions.Http;

/// <summary>What a caller may do; each role includes everything the roles below it may do.</summary>
public enum ApiRole
{
    /// <summary>No credential needed (health).</summary>
    [JsonStringEnumMemberName("anyone")] Anyone = 0,

    /// <summary>Read runs, traces, artifacts, workflows; subscribe to live updates.</summary>
    [JsonStringEnumMemberName("viewer")] Viewer = 1,

    /// <summary>Also start, re-run and cancel runs, and decide approvals.</summary>
    [JsonStringEnumMemberName("operator")] Operator = 2,

    /// <summary>Also register workflows and schedules.</summary>
    [JsonStringEnumMemberName("admin")] Admin = 3,
}

/// <summary>Where a caller's credential came from; a cookie is the one a browser sends on its own.</summary>
public enum CredentialSource
{
    /// <summary>No credential: the API is open (no key configured).</summary>
    None,

    /// <summary>A request header (<c>x-functions-key</c>, or one the platform set).</summary>
    Header,

    /// <summary>The <c>code</c> query parameter.</summary>
    Query,

    /// <summary>The dashboard's key cookie, which a browser attaches to any request to this host.</summary>
    Cookie,
}

/// <summary>
/// Who is calling: a name safe to write into a trace (a key's configured name, a principal's id, never a
/// secret), the role it holds, and where its credential came from.
/// </summary>
/// <param name="Name">The key's or principal's name.</param>
/// <param name="Role">What it may do.</param>
/// <param name="Source">Where the credential was found.</param>
public sealed record ApiPrincipal(string Name, ApiRole Role, CredentialSource Source)
{
    /// <summary>The caller of an open API (no credential configured): local development only.</summary>
    public static ApiPrincipal Open { get; } = new("anonymous", ApiRole.Admin, CredentialSource.None);

    /// <summary>True when this caller holds <paramref name="role"/> or a higher one.</summary>
    public bool Has(ApiRole role) => Role >= role;

    /// <summary>A request the access check never saw: it may do nothing.</summary>
    public static ApiPrincipal Unknown { get; } = new("unknown", ApiRole.Anyone, CredentialSource.None);

    /// <summary>The caller the access check admitted for <paramref name="request"/>; <see cref="Unknown"/> when it never ran.</summary>
    public static ApiPrincipal Of(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.HttpContext.Features.Get<ApiPrincipal>() ?? Unknown;
    }
}
