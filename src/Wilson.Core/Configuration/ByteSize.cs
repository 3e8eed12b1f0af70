using System.Globalization;

namespace Wilson.Core.Configuration;

/// <summary>Sizes as people write them: <c>512MB</c>, <c>4.7GB</c>, <c>16GiB</c> (GB and GiB both mean 1024³ here, as RAM is counted).</summary>
public static class ByteSize
{
    private static readonly (string Suffix, long Factor)[] Units =
    [
        ("gib", 1L << 30), ("mib", 1L << 20), ("kib", 1L << 10), ("gb", 1L << 30), ("mb", 1L << 20), ("kb", 1L << 10), ("g", 1L << 30), ("m", 1L << 20), ("b", 1),
    ];

    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        var trimmed = text.Trim().ToLowerInvariant();
        foreach (var (suffix, factor) in Units)
        {
            if (trimmed.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(trimmed[..^suffix.Length].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                && number > 0 && number * factor < long.MaxValue)
            {
                bytes = (long)(number * factor);
                return true;
            }
        }

        return false;
    }

    public static string Format(long bytes) =>
        bytes >= 1L << 30 ? FormattableString.Invariant($"{bytes / (double)(1L << 30):0.#} GB")
        : bytes >= 1L << 20 ? FormattableString.Invariant($"{bytes / (double)(1L << 20):0} MB")
        : FormattableString.Invariant($"{bytes} B");
}
