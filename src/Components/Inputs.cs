using ShipSec.Shared.Sdk;

namespace ShipSec.Components;

/// <summary>Checks on input values shared by the components.</summary>
internal static class Inputs
{
    public static int InRange(int value, string input, int min, int max)
        => value >= min && value <= max
            ? value
            : throw new ComponentInputException(input, $"must be between {min} and {max}, got {value}");
}
