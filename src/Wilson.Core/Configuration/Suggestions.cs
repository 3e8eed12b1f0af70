namespace Wilson.Core.Configuration;

/// <summary>"Did you mean" for a name that is close to a known one.</summary>
public static class Suggestions
{
    /// <summary>The closest of <paramref name="known"/> to <paramref name="given"/>, if close enough to be a typo.</summary>
    public static string? Closest(string given, IEnumerable<string> known)
    {
        var best = known
            .Select(candidate => (candidate, distance: Distance(given.ToLowerInvariant(), candidate.ToLowerInvariant())))
            .OrderBy(pair => pair.distance)
            .FirstOrDefault();
        return best.candidate is not null && best.distance <= Math.Max(2, given.Length / 3) ? best.candidate : null;
    }

    /// <summary>" (did you mean 'x'?)" or "" when nothing is close.</summary>
    public static string DidYouMean(string given, IEnumerable<string> known) =>
        Closest(given, known) is { } match ? $" (did you mean '{match}'?)" : "";

    /// <summary>The edit (Levenshtein) distance between <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
