using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ShipSec.Functions.Http;

namespace ShipSec.Functions.Tests;

/// <summary>
/// The function classes return MVC results (problem details as <see cref="ObjectResult"/>); in Azure the
/// worker's ASP.NET Core integration writes them with MVC's JSON options, so those must be ShipSec's.
/// </summary>
public sealed class JsonOptionsTests
{
    [Fact]
    public async Task Problem_details_from_the_functions_app_are_written_with_the_shipsec_json_rules()
    {
        // The same composition as src/Functions/Program.cs, built but never started (no Functions host here).
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.ConfigureFunctionsWebApplication();
        builder.Services.AddShipSecRuns();
        using var app = builder.Build();

        var context = new DefaultHttpContext { RequestServices = app.Services };
        using var body = new MemoryStream();
        context.Response.Body = body;
        var result = Problems.RunNotFound("run-1");
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));

        Assert.Equal(StatusCodes.Status404NotFound, context.Response.StatusCode);
        Assert.StartsWith("application/problem+json", context.Response.ContentType, StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(body.ToArray());
        Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
        var item = problem.RootElement.GetProperty("errors")[0];
        Assert.Equal("runId", item.GetProperty("field").GetString());
        // ShipSec JSON omits nulls: a problem about no particular node has no nodeId at all.
        Assert.False(item.TryGetProperty("nodeId", out _));
    }
}
