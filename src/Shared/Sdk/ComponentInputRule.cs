using System.Globalization;
using System.Text.Json;

namespace ShipSec.Shared.Sdk;

/// <summary>
/// What an input's value must satisfy beyond its JSON type, declared once beside the input
/// (<see cref="ComponentInputDescriptor.Rule"/>): the workflow validator checks literal values with it at
/// registration, and the component checks resolved values with it when it runs.
/// </summary>
public abstract class ComponentInputRule
{
    /// <summary>Why <paramref name="value"/> (already of the input's declared type) is not acceptable, such as "must be from 0 to 10, not -1"; null when it is.</summary>
    public abstract string? Check(JsonElement value);
}

/// <summary>An integer from <see cref="Minimum"/> to <see cref="Maximum"/> inclusive.</summary>
public sealed class IntegerRange(long minimum, long maximum) : ComponentInputRule
{
    /// <summary>The least value allowed.</summary>
    public long Minimum { get; } = minimum;

    /// <summary>The greatest value allowed.</summary>
    public long Maximum { get; } = maximum;

    /// <inheritdoc />
    public override string? Check(JsonElement value)
    {
        // JSON's 3.0 is the integer 3, as the type check already agreed.
        var inRange = value.ValueKind == JsonValueKind.Number
            && (value.TryGetInt64(out var whole) ? Contains(whole)
                : value.TryGetDouble(out var number) && double.IsInteger(number) && number >= Minimum && number <= Maximum);
        return inRange ? null : $"must be from {Minimum} to {Maximum}, not {Shorten(value.GetRawText())}";
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 37), "...");

    /// <summary>True when <paramref name="value"/> is in the range.</summary>
    public bool Contains(long value) => value >= Minimum && value <= Maximum;

    /// <summary><paramref name="value"/> when it is in the range; otherwise a <see cref="ComponentInputException"/> naming <paramref name="input"/>.</summary>
    public int Require(int value, string input)
        => Contains(value)
            ? value
            : throw new ComponentInputException(input, $"must be from {Minimum} to {Maximum}, got {value.ToString(CultureInfo.InvariantCulture)}");
}

/// <summary>Every item of an array satisfies <see cref="Item"/>.</summary>
public sealed class EachItem(ComponentInputRule item) : ComponentInputRule
{
    /// <summary>The rule each item must satisfy.</summary>
    public ComponentInputRule Item { get; } = item ?? throw new ArgumentNullException(nameof(item));

    /// <inheritdoc />
    public override string? Check(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var index = 0;
        foreach (var element in value.EnumerateArray())
        {
            if (Item.Check(element) is { } fault)
            {
                return $"has item {index} that {fault}";
            }

            index++;
        }

        return null;
    }
}

/// <summary>A string that <see cref="Fault"/> accepts, such as a port list.</summary>
public sealed class TextRule(Func<string, string?> fault) : ComponentInputRule
{
    /// <summary>Why a text is not acceptable, or null.</summary>
    public Func<string, string?> Fault { get; } = fault ?? throw new ArgumentNullException(nameof(fault));

    /// <inheritdoc />
    public override string? Check(JsonElement value)
        => value.ValueKind == JsonValueKind.String ? Fault(value.GetString()!) : null;
}
