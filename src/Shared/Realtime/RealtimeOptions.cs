using System.ComponentModel.DataAnnotations;

namespace ShipSec.Shared.Realtime;

/// <summary>Which <see cref="IRealtime"/> carries messages to dashboards.</summary>
public enum RealtimeProvider
{
    /// <summary>No realtime: committed events are not pushed and negotiate answers 503.</summary>
    None,

    /// <summary>The local host's own SignalR hub at <see cref="RealtimeHub.LocalPath"/>.</summary>
    Local,

    /// <summary>Azure SignalR Service (serverless) through its REST API.</summary>
    AzureSignalR,
}

/// <summary>
/// Realtime settings (section <c>Realtime</c>). When <see cref="Provider"/> is not configured it is
/// <see cref="RealtimeProvider.Local"/> on a host that registered the local hub, else
/// <see cref="RealtimeProvider.AzureSignalR"/> when <c>Realtime:AzureSignalR:ConnectionString</c> is set,
/// else <see cref="RealtimeProvider.None"/>.
/// </summary>
public sealed class RealtimeOptions
{
    /// <summary>The configuration section bound to these options.</summary>
    public const string SectionName = "Realtime";

    /// <summary>The chosen provider; null until defaulted at start.</summary>
    public RealtimeProvider? Provider { get; set; }
}

/// <summary>Azure SignalR Service settings (section <c>Realtime:AzureSignalR</c>).</summary>
public sealed class AzureSignalROptions
{
    /// <summary>The configuration section bound to these options.</summary>
    public const string SectionName = "Realtime:AzureSignalR";

    /// <summary>The app setting read when <see cref="ConnectionString"/> is not configured: the one Azure's SignalR tooling uses.</summary>
    public const string ConventionalSettingName = "AzureSignalRConnectionString";

    /// <summary><c>Endpoint=https://name.service.signalr.net;AccessKey=...;Version=1.0;</c> (optionally <c>Port=</c>); falls back to <see cref="ConventionalSettingName"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The hub clients connect to; the service treats hub names case-insensitively (lowercase).</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9_]{0,127}$", ErrorMessage = "Hub must start with a letter and contain only letters, digits and '_'.")]
    public string Hub { get; set; } = RealtimeHub.Name;

    /// <summary>How long access tokens (the server's and the clients') are valid.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00", ErrorMessage = "TokenLifetime must be from 1 minute to 1 day.")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);
}
