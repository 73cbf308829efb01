using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Serialization;

namespace ShipSec.Shared.Json;

/// <summary>
/// The wire name of an enum value: the <see cref="JsonStringEnumMemberNameAttribute"/> it declares, the one
/// place each name is written in C#. The JSON API, the trace store's columns and SQL parameters all use it.
/// </summary>
public static class WireName
{
    /// <summary>The wire name of <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a declared member.</exception>
    public static string Of<TEnum>(TEnum value)
        where TEnum : struct, Enum
        => Names<TEnum>.ByValue.TryGetValue(value, out var name)
            ? name
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"Not a declared {typeof(TEnum).Name}.");

    /// <summary>The member whose wire name is <paramref name="name"/>.</summary>
    /// <exception cref="InvalidDataException">No member has that name (stored data this version cannot read).</exception>
    public static TEnum Parse<TEnum>(string name)
        where TEnum : struct, Enum
        => Names<TEnum>.ByName.TryGetValue(name, out var value)
            ? value
            : throw new InvalidDataException($"'{name}' is not a {typeof(TEnum).Name} wire name.");

    /// <summary>The member whose wire name is <paramref name="name"/>; false for any other text (a caller's query value).</summary>
    public static bool TryParse<TEnum>(string name, out TEnum value)
        where TEnum : struct, Enum
        => Names<TEnum>.ByName.TryGetValue(name, out value);

    private static class Names<TEnum>
        where TEnum : struct, Enum
    {
        public static readonly FrozenDictionary<TEnum, string> ByValue = typeof(TEnum)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .ToFrozenDictionary(
                field => (TEnum)field.GetValue(null)!,
                field => field.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
                    ?? throw new InvalidOperationException($"{typeof(TEnum).Name}.{field.Name} declares no wire name."));

        public static readonly FrozenDictionary<string, TEnum> ByName = ByValue.ToFrozenDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);
    }
}
