using System.Text.Json;

namespace ShipSec.Shared.Trace;

/// <summary>
/// Replaces the values of secret inputs wherever they would appear in the trace: messages, errors and
/// output summaries; the value itself and its common encodings (<see cref="Forms"/>: base64 at any
/// alignment, so inside a larger base64 text such as a Basic authorization header too; base64url;
/// URL-encoding; hex). Values shorter than <see cref="MinimumLength"/> are not redacted, since replacing
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
            var added = false;
            foreach (var form in Forms(secret))
            {
                if (!secrets.Contains(form))
                {
                    secrets.Add(form);
                    added = true;
                }
            }

            if (added)
            {
                // Longest first, so a secret containing another is masked whole.
                secrets.Sort((a, b) => b.Length.CompareTo(a.Length));
            }
        }
    }

    /// <summary>
    /// The texts <paramref name="secret"/> can appear as in output: itself; its UTF-8 bytes in base64 at each of
    /// the three alignments a value can have inside longer base64 text (only the characters that depend on the
    /// secret alone), and base64url likewise; URL-encoded (<c>%20</c> and <c>+</c> for spaces, upper- and
    /// lower-case escapes); hex in either case. Forms shorter than <see cref="MinimumLength"/> are left out.
    /// </summary>
    public static IReadOnlyList<string> Forms(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var bytes = System.Text.Encoding.UTF8.GetBytes(secret);
        var forms = new List<string> { secret };
        for (var offset = 0; offset < 3; offset++)
        {
            // Preceded by `offset` unknown bytes, the secret's bits start `offset` bytes into a 3-byte group: the
            // characters wholly inside the secret's bytes are the same whatever surrounds it.
            var padded = new byte[offset + bytes.Length];
            bytes.CopyTo(padded, offset);
            var encoded = Convert.ToBase64String(padded);
            var skip = offset == 0 ? 0 : (offset * 8 + 5) / 6;
            var end = (offset + bytes.Length) * 8 / 6;
            if (end - skip >= MinimumLength)
            {
                var core = encoded[skip..end];
                forms.Add(core);
                forms.Add(core.Replace('+', '-').Replace('/', '_'));
            }
        }

        forms.Add(Convert.ToBase64String(bytes));
        forms.Add(Uri.EscapeDataString(secret));
        forms.Add(System.Net.WebUtility.UrlEncode(secret));
        forms.Add(LowerCaseEscapes(Uri.EscapeDataString(secret)));
        forms.Add(Convert.ToHexString(bytes));
        forms.Add(Convert.ToHexStringLower(bytes));
        return [.. forms.Where(f => f.Length >= MinimumLength).Distinct(StringComparer.Ordinal)];
    }

    private static string LowerCaseEscapes(string escaped)
    {
        var chars = escaped.ToCharArray();
        for (var i = 0; i + 2 < chars.Length; i++)
        {
            if (chars[i] == '%')
            {
                chars[i + 1] = char.ToLowerInvariant(chars[i + 1]);
                chars[i + 2] = char.ToLowerInvariant(chars[i + 2]);
                i += 2;
            }
        }

        return new string(chars);
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
