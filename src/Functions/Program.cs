using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ShipSec.Functions;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<DependencyOutageMiddleware>();
builder.UseMiddleware<ApiGateMiddleware>();
builder.Services.AddShipSecRuns();
builder.Services.AddShipSecTraceTransport(builder.Configuration);
builder.Services.AddSingleton<ShipSec.Functions.Durable.ScheduleTicker>();
builder.Services.AddSingleton<ShipSec.Functions.Runs.IScheduleWake>(provider => provider.GetRequiredService<ShipSec.Functions.Durable.ScheduleTicker>());
builder.Services.AddShipSecTelemetry(builder.Configuration, "shipsec-functions", otel => otel.UseFunctionsWorkerDefaults());
builder.Services.PostConfigure<ShipSec.Shared.Dsl.WorkflowOptions>(FunctionsHostLimits.Apply);
builder.Build().Run();
