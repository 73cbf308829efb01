using System.Text.Json;

namespace ShipSec.Shared.Trace;

/// <summary>
/// Replaces the values of secret inputs wherever they would appear in the trace: messages, errors and
/// output summaries. Values shorter than <see cref="MinimumLength"/> are not redacted, since replacing
/// every "1" or "on" would destroy the trace without protecting anything.
/// </summary>
public sealed class SecretRedactor
{
    /// <summary>What a secret becomes.</summary>
    public const string Mask = "***";

    /// <summary>The shortest value treated as a secret.</summary>
    public const int MinimumLength = 4;

    private readonly List<string> secrets = [];
    private readonly Lock gate = new();

    /// <summary>True when no secret is known.</summary>
    public bool IsEmpty
    {
        get
        {
            lock (gate)
            {
                return secrets.Count == 0;
            }
        }
    }

    /// <summary>Adds every string found in <paramref name="value"/> (a string, or the strings inside an object or array).</summary>
    public void Add(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                Add(value.GetString()!);
                break;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    Add(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    Add(item);
                }

                break;
            case JsonValueKind.Number:
                Add(value.GetRawText());
                break;
            default:
                break;
        }
    }

    /// <summary>Adds one secret value.</summary>
    public void Add(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length < MinimumLength)
        {
            return;
        }

        lock (gate)
        {
            if (!secrets.Contains(secret))
            {
                secrets.Add(secret);

                // Longest first, so a secret containing another is masked whole.
                secrets.Sort((a, b) => b.Length.CompareTo(a.Length));
            }
        }
    }

    /// <summary>The text with every known secret masked.</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        lock (gate)
        {
            foreach (var secret in secrets)
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <summary>The JSON value with every string containing a secret masked.</summary>
    public JsonElement Redact(JsonElement value)
    {
        if (IsEmpty)
        {
            return value;
        }

        var raw = value.GetRawText();
        var redacted = raw;
        lock (gate)
        {
            foreach (var secret in secrets)
            {
                // Secrets appear in JSON text in their escaped form.
                var encoded = JsonEncodedText.Encode(secret).ToString();
                redacted = redacted.Replace(encoded, Mask, StringComparison.Ordinal);
            }
        }

        return ReferenceEquals(raw, redacted) || raw == redacted ? value : JsonDocument.Parse(redacted).RootElement.Clone();
    }
}
