namespace Wilson.Core.Plans;

/// <summary>Cycle detection and ordering over "depends on" edges.</summary>
public static class DependencyGraph
{
    /// <summary>
    /// A cycle in <paramref name="dependsOn"/> as the path that closes it (<c>A, B, A</c>), or null if
    /// there is none. Edges to nodes not in the map are ignored.
    /// </summary>
    public static IReadOnlyList<string>? FindCycle(IReadOnlyDictionary<string, IReadOnlyList<string>> dependsOn)
    {
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: on the path, true: finished
        var path = new List<string>();

        foreach (var start in dependsOn.Keys.Order(StringComparer.Ordinal))
        {
            if (!state.ContainsKey(start) && Visit(start) is { } cycle)
            {
                return cycle;
            }
        }

        return null;

        List<string>? Visit(string node)
        {
            state[node] = false;
            path.Add(node);
            foreach (var next in dependsOn[node].Where(dependsOn.ContainsKey))
            {
                if (state.TryGetValue(next, out var finished))
                {
                    if (!finished)
                    {
                        return [.. path.Skip(path.IndexOf(next)), next];
                    }

                    continue;
                }

                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[node] = true;
            return null;
        }
    }

    /// <summary>The nodes ordered so that each comes after everything it depends on; the graph must be acyclic.</summary>
    public static IReadOnlyList<string> TopologicalOrder(IReadOnlyDictionary<string, IReadOnlyList<string>> dependsOn)
    {
        var order = new List<string>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in dependsOn.Keys)
        {
            Add(node);
        }

        return order;

        void Add(string node)
        {
            if (!done.Add(node))
            {
                return;
            }

            foreach (var next in dependsOn[node].Where(dependsOn.ContainsKey))
            {
                Add(next);
            }

            order.Add(node);
        }
    }
}
