using System.Text.RegularExpressions;

namespace Wilson.Core.Items;

/// <summary>The limits on a work item's fields, checked wherever an item enters Wilson.</summary>
public static partial class WorkItemRules
{
    public const int DefaultPriority = 5;
    public const int MinPriority = 1;
    public const int MaxPriority = 10;
    public const int MaxTitleLength = 200;

    /// <summary>True when <paramref name="key"/> looks like <c>T-12</c>.</summary>
    public static bool IsKey(string key) => KeyPattern().IsMatch(key);

    /// <summary>Formats the key of the item numbered <paramref name="number"/> in its project.</summary>
    public static string FormatKey(long number) => FormattableString.Invariant($"T-{number}");

    // \z, not $: $ also matches before a trailing newline, which would let "T-1\n" pass as a key.
    [GeneratedRegex(@"^T-[1-9][0-9]*\z")]
    private static partial Regex KeyPattern();
}
