using System.Reflection;
using Microsoft.Extensions.Logging;

namespace ShipSec.LocalHost.Tests.Architecture;

/// <summary>
/// Every <c>[LoggerMessage]</c> event id of every ShipSec assembly is unique, and each assembly keeps to hundreds
/// of its own (the ranges README lists under Architecture), so an id in a log names exactly one message.
/// </summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void Log_event_ids_are_unique_across_assemblies_and_ranges_do_not_overlap()
    {
        var messages = ShipSecAssemblies()
            .SelectMany(assembly => assembly.GetTypes())
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(method => (Method: method, Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(found => found.Attribute is not null)
            .Select(found => (Assembly: found.Method.DeclaringType!.Assembly.GetName().Name!, Name: $"{found.Method.DeclaringType!.Name}.{found.Method.Name}", found.Attribute!.EventId))
            .ToList();

        Assert.True(messages.Count >= 10, $"Only {messages.Count} log messages found: are the assemblies loaded?");
        var duplicates = messages.GroupBy(m => m.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => $"{m.Assembly} {m.Name}"))}").ToList();
        Assert.True(duplicates.Count == 0, "Duplicate log event ids:\n" + string.Join('\n', duplicates));
        var sharedHundreds = messages.GroupBy(m => m.EventId / 100).Where(g => g.Select(m => m.Assembly).Distinct().Count() > 1)
            .Select(g => $"{g.Key * 100}–{g.Key * 100 + 99}: {string.Join(", ", g.Select(m => m.Assembly).Distinct())}").ToList();
        Assert.True(sharedHundreds.Count == 0, "Event id ranges shared by assemblies:\n" + string.Join('\n', sharedHundreds));
    }

    private static IEnumerable<Assembly> ShipSecAssemblies()
        => Directory.EnumerateFiles(AppContext.BaseDirectory, "ShipSec.*.dll")
            .Where(path => !Path.GetFileName(path).Contains(".Tests", StringComparison.Ordinal))
            .Select(path => Assembly.LoadFrom(path));
}
