using Wilson.Core.Items;

namespace Wilson.Core.Workflow;

/// <summary>
/// What an item must have before it may leave Draft: a title, at least one acceptance criterion,
/// and dependencies that are known item keys (the store refuses keys that name no item).
/// </summary>
public static class DefinitionOfReady
{
    /// <summary>Every unmet condition, phrased for a person; empty when the item is ready.</summary>
    public static IReadOnlyList<string> Check(WorkItem item)
    {
        var unmet = new List<string>();
        if (string.IsNullOrWhiteSpace(item.Title))
        {
            unmet.Add("it has no title");
        }

        if (!item.AcceptanceCriteria.Any(c => !string.IsNullOrWhiteSpace(c)))
        {
            unmet.Add("it has no acceptance criteria (add one with --criteria)");
        }

        foreach (var dependency in item.Dependencies)
        {
            if (!WorkItemRules.IsKey(dependency))
            {
                unmet.Add($"dependency '{dependency}' is not an item key");
            }
            else if (string.Equals(dependency, item.Key, StringComparison.Ordinal))
            {
                unmet.Add("it depends on itself");
            }
        }

        return unmet;
    }
}
