using System.Globalization;
using Wilson.Core.Storage;
using Wilson.Core.Usage;

namespace Wilson.Llm.Usage;

/// <summary>
/// Whether new work may start on a project today: not once its daily budget (or everyone's) is spent,
/// in tokens or in money. A call already running is checked by <see cref="BudgetChatClient"/>; this keeps
/// the scheduler from starting items that could only stop at their first call.
/// </summary>
public sealed class StartBudget(ModelCatalog catalog, IWorkStore ledger, TimeProvider time)
{
    /// <summary>Null when work may start; else which budget is spent, for the person.</summary>
    public async Task<string?> WhyNotAsync(long projectId, CancellationToken cancellationToken)
    {
        var budgets = catalog.Config.Budgets;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (budgets.ProjectDayTokens is not null || budgets.ProjectDayCost is not null)
        {
            var spent = await ledger.GetUsageAsync(new UsageScope(projectId, Day: today), cancellationToken);
            if (Spent(spent, budgets.ProjectDayTokens, budgets.ProjectDayCost) is { } what)
            {
                return $"this project's budget for today is spent ({what}; models.budgets.project_day_*)";
            }
        }

        if (budgets.DayTokens is not null || budgets.DayCost is not null)
        {
            var spent = await ledger.GetUsageAsync(new UsageScope(Day: today), cancellationToken);
            if (Spent(spent, budgets.DayTokens, budgets.DayCost) is { } what)
            {
                return $"today's budget for all projects is spent ({what}; models.budgets.day_*)";
            }
        }

        return null;
    }

    private static string? Spent(UsageTotals spent, long? tokens, decimal? cost) =>
        tokens is { } maxTokens && spent.Tokens >= maxTokens ? string.Create(CultureInfo.InvariantCulture, $"{spent.Tokens:N0} of {maxTokens:N0} tokens")
        : cost is { } maxCost && spent.Cost >= maxCost ? string.Create(CultureInfo.InvariantCulture, $"{spent.Cost:0.00} of {maxCost:0.00}")
        : null;
}
