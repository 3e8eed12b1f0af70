namespace Wilson.Core.Plans;

/// <summary>Checks a plan before it is stored: unique refs, known dependencies, no cycle.</summary>
public static class PlanValidator
{
    /// <summary>Every problem, each naming the items involved; empty when the plan is valid.</summary>
    /// <param name="plan">The plan to check.</param>
    /// <param name="existingKeys">Keys of items already in the project, which plan items may depend on.</param>
    public static IReadOnlyList<string> Validate(Plan plan, IReadOnlySet<string> existingKeys)
    {
        var errors = new List<string>();
        if (plan.Items.Count == 0)
        {
            errors.Add("the plan has no items");
            return errors;
        }

        foreach (var duplicate in plan.Items.GroupBy(i => i.Ref, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add($"'{duplicate.Key}' names {duplicate.Count()} items; each item needs its own name");
        }

        var refs = plan.Items.Select(i => i.Ref).ToHashSet(StringComparer.Ordinal);
        foreach (var item in plan.Items)
        {
            foreach (var problem in ItemProblems(item))
            {
                errors.Add($"{item.Ref}: {problem}");
            }

            foreach (var dependency in item.Item.Dependencies.Where(d => !refs.Contains(d) && !existingKeys.Contains(d)))
            {
                errors.Add($"{item.Ref} depends on '{dependency}', which is neither in the plan nor an existing item");
            }
        }

        var graph = plan.Items
            .GroupBy(i => i.Ref, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.First().Item.Dependencies.ToList(), StringComparer.Ordinal);
        if (DependencyGraph.FindCycle(graph) is { } cycle)
        {
            errors.Add($"dependency cycle: {string.Join(" -> ", cycle)}");
        }

        return errors;
    }

    // Plan items depend on refs, not keys, so the key format check of NewWorkItem does not apply.
    private static IEnumerable<string> ItemProblems(PlanItem item) =>
        (item.Item with { Dependencies = [] }).Validate();
}
