using System.Text.Json;

namespace ShipSec.Functions.Tests;

/// <summary>
/// infra/bicep compiles with the Bicep CLI (its linter on its defaults) without a single warning, and the
/// compiled template wires what the app reads.
/// </summary>
public sealed class BicepTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    // One compile of main.bicep serves every test that reads it (the CLI takes seconds to start).
    private static readonly Lazy<Task<BicepResult>> MainTemplate = new(() => BicepCli.RunAsync(NoEnvironment, "build", "main.bicep", "--stdout"));

    [Fact]
    public async Task Main_template_builds_without_warnings()
    {
        var result = await MainTemplate.Value;

        Assert.True(result.ExitCode == 0, $"bicep build failed ({result.ExitCode}):\n{result.Error}");
        Assert.True(result.Error.Length == 0, $"bicep build reported:\n{result.Error}");
        using var template = JsonDocument.Parse(result.Output);
        var outputs = template.RootElement.GetProperty("outputs");
        foreach (var output in new[] { "functionAppName", "functionAppUrl", "eventHubsNamespaceFqdn", "signalRHostName", "postgresFqdn", "storageAccountName" })
        {
            Assert.True(outputs.TryGetProperty(output, out _), $"main.bicep has no output '{output}'.");
        }
    }

    [Fact]
    public async Task Example_parameters_build_without_warnings()
    {
        var environment = new Dictionary<string, string>
        {
            ["SHIPSEC_POSTGRES_PASSWORD"] = "not-a-real-password-1",
            ["SHIPSEC_API_KEY"] = "not-a-real-api-key",
        };

        var result = await BicepCli.RunAsync(environment, "build-params", "main.bicepparam", "--stdout");

        Assert.True(result.ExitCode == 0, $"bicep build-params failed ({result.ExitCode}):\n{result.Error}");
        Assert.True(result.Error.Length == 0, $"bicep build-params reported:\n{result.Error}");
        using var compiled = JsonDocument.Parse(result.Output);
        using var parameters = JsonDocument.Parse(compiled.RootElement.GetProperty("parametersJson").GetString()!);
        Assert.Equal("not-a-real-password-1",
            parameters.RootElement.GetProperty("parameters").GetProperty("postgresAdministratorPassword").GetProperty("value").GetString());
        Assert.Equal("not-a-real-api-key", parameters.RootElement.GetProperty("parameters").GetProperty("apiKey").GetProperty("value").GetString());
    }

    [Fact]
    public async Task The_function_app_gets_every_setting_the_app_reads_in_azure()
    {
        var result = await MainTemplate.Value;
        Assert.Equal(0, result.ExitCode);
        using var template = JsonDocument.Parse(result.Output);

        var settings = AppSettings(template.RootElement).Keys.ToHashSet();

        foreach (var name in new[]
                 {
                     "AzureWebJobsStorage__accountName", "APPLICATIONINSIGHTS_CONNECTION_STRING", "ConnectionStrings__Postgres",
                     "Postgres__Schema", "Artifacts__ServiceUri", "Artifacts__Container", "Trace__Transport",
                     "Trace__EventHubs__FullyQualifiedNamespace", "Trace__EventHubs__EventHubName", "Trace__EventHubs__ConsumerGroup",
                     "Realtime__Provider", "Realtime__AzureSignalR__ConnectionString", "Access__ApiKey", "Access__Entra__TenantId", "Access__Entra__Audience", "Postgres__EntraAuthentication",
                     "OTEL_SERVICE_NAME", "OTEL_EXPORTER_OTLP_ENDPOINT",
                 })
        {
            Assert.Contains(name, settings);
        }

        // Flex Consumption rejects these as app settings; the runtime comes from functionAppConfig.
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", settings);
        Assert.DoesNotContain("FUNCTIONS_EXTENSION_VERSION", settings);
    }

    [Fact]
    public async Task SignalR_is_serverless_and_the_identity_gets_its_data_roles()
    {
        var result = await MainTemplate.Value;
        Assert.Equal(0, result.ExitCode);
        using var template = JsonDocument.Parse(result.Output);

        var features = Find(template.RootElement, "features").SelectMany(array => array.EnumerateArray());
        Assert.Contains(features, f => f.GetProperty("flag").GetString() == "ServiceMode" && f.GetProperty("value").GetString() == "Serverless");

        foreach (var role in new[]
                 {
                     "ba92f5b4-2d11-453d-a403-e96b0029c9fe", // Storage Blob Data Contributor
                     "974c5e8b-45b9-4653-ba55-5f855dd0fb88", // Storage Queue Data Contributor
                     "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", // Storage Table Data Contributor
                     "2b629674-e913-4c01-ae53-ef4638d8f975", // Azure Event Hubs Data Sender
                     "a638d3c7-ab3a-418d-83e6-5f17a39d4fde", // Azure Event Hubs Data Receiver
                 })
        {
            Assert.Contains(role, result.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task No_secret_sits_in_app_settings_and_postgres_admits_no_public_traffic()
    {
        var result = await MainTemplate.Value;
        Assert.Equal(0, result.ExitCode);
        using var template = JsonDocument.Parse(result.Output);
        var settings = AppSettings(template.RootElement);

        // Values are template expressions, such as [format('@Microsoft.KeyVault(VaultName={0};SecretName=api-key)', …)].
        Assert.Contains("'@Microsoft.KeyVault(VaultName=", settings["Access__ApiKey"], StringComparison.Ordinal);
        Assert.Contains("'@Microsoft.KeyVault(VaultName=", settings["Realtime__AzureSignalR__ConnectionString"], StringComparison.Ordinal);
        Assert.DoesNotContain("Password", settings["ConnectionStrings__Postgres"], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("listKeys", string.Join('\n', settings.Values), StringComparison.Ordinal);
        Assert.Equal("true", settings["Postgres__EntraAuthentication"]);

        Assert.DoesNotContain("firewallRules", result.Output, StringComparison.Ordinal);
        Assert.Contains(Find(template.RootElement, "publicNetworkAccess"), value => value.GetString() == "Disabled");
        Assert.Contains(Find(template.RootElement, "activeDirectoryAuth"), value => value.GetString() == "Enabled");
        Assert.Contains("4633458b-17de-408a-b874-0445c86b69e6", result.Output, StringComparison.Ordinal); // Key Vault Secrets User
    }

    [Fact]
    public async Task The_collector_stays_up_events_wait_a_week_and_the_dashboard_is_deployed()
    {
        var result = await MainTemplate.Value;
        Assert.Equal(0, result.ExitCode);
        using var template = JsonDocument.Parse(result.Output);

        var alwaysReady = Assert.Single(Find(template.RootElement, "alwaysReady")).EnumerateArray().ToList();
        Assert.Contains(alwaysReady, group => group.GetProperty("name").GetString() == "http" && group.GetProperty("instanceCount").GetInt32() >= 1);
        Assert.Contains(Find(template.RootElement, "messageRetentionInDays"), days => days.GetInt32() >= 7);
        Assert.Contains("Microsoft.Web/staticSites/linkedBackends", result.Output, StringComparison.Ordinal);
        Assert.True(template.RootElement.GetProperty("outputs").TryGetProperty("dashboardUrl", out _));
        Assert.DoesNotContain(Find(template.RootElement, "allowedOrigins").SelectMany(a => a.ValueKind == JsonValueKind.Array ? a.EnumerateArray() : []),
            origin => origin.ValueKind == JsonValueKind.String && origin.GetString() == "*");
    }

    /// <summary>The function app's settings, name to value (a template expression where it is computed).</summary>
    private static Dictionary<string, string> AppSettings(JsonElement template)
        => Find(template, "appSettings")
            .SelectMany(array => array.EnumerateArray())
            .ToDictionary(setting => setting.GetProperty("name").GetString()!, setting => setting.GetProperty("value").ToString());

    /// <summary>Every value of a property with this name anywhere in the document (nested module templates included).</summary>
    private static IEnumerable<JsonElement> Find(JsonElement element, string property)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var child in element.EnumerateObject())
            {
                if (child.Name == property)
                {
                    yield return child.Value;
                }

                foreach (var found in Find(child.Value, property))
                {
                    yield return found;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var found in element.EnumerateArray().SelectMany(item => Find(item, property)))
            {
                yield return found;
            }
        }
    }
}
