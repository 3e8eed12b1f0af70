using Wilson.Core.Items;
using Wilson.Core.Storage;

namespace Wilson.Cli.Commands;

/// <summary>Turns the store's answer to a write into the item, or into the one line a person reads.</summary>
internal static class ItemWrites
{
    public static WorkItem Require(ItemWriteResult result)
    {
        if (result.Succeeded && result.Item is { } item)
        {
            return item;
        }

        var error = result.Error ?? $"the store refused the change ({result.Failure})";
        if (result.AllowedTargets.Count > 0 && !error.Contains("allowed", StringComparison.OrdinalIgnoreCase))
        {
            error = $"{error}; allowed: {string.Join(", ", result.AllowedTargets)}";
        }

        throw new CliException(error);
    }
}
