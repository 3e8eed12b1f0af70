using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Wilson.Core.Storage;
using Wilson.Core.Usage;

namespace Wilson.Llm.Usage;

/// <summary>
/// Checks the budgets before each call (per item; per project per day; everything per day; in tokens
/// and in money): a call that would pass one is stopped with <see cref="BudgetExceededException"/> and a
/// <c>model.budget_exceeded</c> event before anything is sent. What the call would add is estimated
/// from its input (about four characters a token) at the dearest of the purpose's models.
/// </summary>
public sealed class BudgetChatClient(
    IChatClient inner, ModelCatalog catalog, CallContext context, IWorkStore ledger, IModelEventSink events, TimeProvider time)
    : DelegatingChatClient(inner)
{
    public const string ExceededEvent = "model.budget_exceeded";

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var conversation = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        await CheckAsync(conversation, cancellationToken);
        return await base.GetResponseAsync(conversation, options, cancellationToken);
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var conversation = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        await CheckAsync(conversation, cancellationToken);
        await foreach (var update in base.GetStreamingResponseAsync(conversation, options, cancellationToken))
        {
            yield return update;
        }
    }

    private async Task CheckAsync(IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken)
    {
        var budgets = catalog.Config.Budgets;
        var tokens = EstimateTokens(messages);
        var costMicros = (long)(tokens * DearestInputPrice());
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

        if (context is { ProjectId: { } project, ItemKey: { } item } && (budgets.ItemTokens is not null || budgets.ItemCost is not null))
        {
            var spent = await ledger.GetUsageAsync(new UsageScope(project, item), cancellationToken);
            Check("item_tokens", $"item {item}", spent, tokens, costMicros, budgets.ItemTokens, null);
            Check("item_cost", $"item {item}", spent, tokens, costMicros, null, budgets.ItemCost);
        }

        if (context.ProjectId is { } projectId && (budgets.ProjectDayTokens is not null || budgets.ProjectDayCost is not null))
        {
            var spent = await ledger.GetUsageAsync(new UsageScope(projectId, Day: today), cancellationToken);
            Check("project_day_tokens", "this project today", spent, tokens, costMicros, budgets.ProjectDayTokens, null);
            Check("project_day_cost", "this project today", spent, tokens, costMicros, null, budgets.ProjectDayCost);
        }

        if (budgets.DayTokens is not null || budgets.DayCost is not null)
        {
            var spent = await ledger.GetUsageAsync(new UsageScope(Day: today), cancellationToken);
            Check("day_tokens", "all projects today", spent, tokens, costMicros, budgets.DayTokens, null);
            Check("day_cost", "all projects today", spent, tokens, costMicros, null, budgets.DayCost);
        }
    }

    private void Check(string budget, string who, UsageTotals spent, long tokens, long costMicros, long? tokenLimit, decimal? costLimit)
    {
        string? problem = null;
        if (tokenLimit is { } maxTokens && spent.Tokens + tokens > maxTokens)
        {
            problem = $"{who} has used {spent.Tokens:N0} of its {maxTokens:N0} tokens and this call needs about {tokens:N0} more";
        }
        else if (costLimit is { } maxCost && (spent.CostMicros + costMicros) / 1_000_000m > maxCost)
        {
            problem = $"{who} has spent {Money(spent.Cost)} of its {Money(maxCost)} and this call would cost about {Money(costMicros / 1_000_000m)} more";
        }

        if (problem is null)
        {
            return;
        }

        var message = $"budget {budget} reached: {problem}; the {context.Purpose} call was not made (raise models.budgets.{budget} in wilson.yaml to go on)";
        events.Publish(new ModelEvent(ExceededEvent, message));
        throw new BudgetExceededException(budget, message);
    }

    private decimal DearestInputPrice() =>
        catalog.Purposes.TryGetValue(context.Purpose, out var models) && models.Count > 0
            ? models.Max(m => catalog.Models[m].Config.CostPerMillionIn)
            : 0m;

    /// <summary>About four characters a token: enough to stop a call that would clearly pass a limit.</summary>
    private static long EstimateTokens(IReadOnlyList<ChatMessage> messages) =>
        Math.Max(1, messages.Sum(m => (long)(m.Text?.Length ?? 0)) / 4);

    private static string Money(decimal amount) => amount.ToString("0.00##", CultureInfo.InvariantCulture);
}
