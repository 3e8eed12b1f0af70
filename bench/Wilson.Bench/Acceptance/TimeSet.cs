namespace Wilson.Bench.Acceptance;

/// <summary>
/// A set of moments as disjoint, sorted spans of Unix milliseconds [start, end): what the figures of an
/// acceptance run are cut from. Overlapping spans count once, so time is never counted twice.
/// </summary>
internal sealed class TimeSet
{
    public static readonly TimeSet Empty = new([]);

    private readonly List<(long Start, long End)> _spans;

    private TimeSet(List<(long Start, long End)> spans) => _spans = spans;

    public IReadOnlyList<(long Start, long End)> Spans => _spans;

    /// <summary>The length of the set in milliseconds.</summary>
    public long Milliseconds => _spans.Sum(s => s.End - s.Start);

    /// <summary>The union of <paramref name="spans"/>; spans that end before they start are taken as empty.</summary>
    public static TimeSet Of(IEnumerable<(long Start, long End)> spans)
    {
        var merged = new List<(long Start, long End)>();
        foreach (var (start, end) in spans.Where(s => s.End > s.Start).OrderBy(s => s.Start))
        {
            if (merged.Count > 0 && start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, end));
            }
            else
            {
                merged.Add((start, end));
            }
        }

        return new TimeSet(merged);
    }

    public TimeSet Union(TimeSet other) => Of(_spans.Concat(other._spans));

    public TimeSet Intersect(TimeSet other)
    {
        var result = new List<(long Start, long End)>();
        int i = 0, j = 0;
        while (i < _spans.Count && j < other._spans.Count)
        {
            var start = Math.Max(_spans[i].Start, other._spans[j].Start);
            var end = Math.Min(_spans[i].End, other._spans[j].End);
            if (end > start)
            {
                result.Add((start, end));
            }

            if (_spans[i].End < other._spans[j].End)
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return new TimeSet(result);
    }

    /// <summary>This set without the moments of <paramref name="other"/>.</summary>
    public TimeSet Except(TimeSet other)
    {
        var result = new List<(long Start, long End)>();
        foreach (var (start, end) in _spans)
        {
            var from = start;
            foreach (var (cutStart, cutEnd) in other._spans.Where(c => c.End > start && c.Start < end))
            {
                if (cutStart > from)
                {
                    result.Add((from, cutStart));
                }

                from = Math.Max(from, cutEnd);
            }

            if (end > from)
            {
                result.Add((from, end));
            }
        }

        return new TimeSet(result);
    }
}
