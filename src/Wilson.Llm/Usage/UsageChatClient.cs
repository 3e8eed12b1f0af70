using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Wilson.Core.Storage;
using Wilson.Core.Usage;
using Wilson.Llm.Routing;

namespace Wilson.Llm.Usage;

/// <summary>
/// Records every call in the usage ledger: tokens in and out, time to first token, duration, the
/// estimated cost at the answering model's prices, and whether it was a fallback. Sits outside the
/// router, so it reads which model answered from the first update. A call whose answer reported no usage
/// (the caller stopped reading it at its output cap, or the server never says) is recorded with tokens
/// estimated at four characters a token, so that budgets still count it; one stopped early says so.
/// </summary>
public sealed class UsageChatClient(IChatClient inner, ModelCatalog catalog, CallContext context, IWorkStore ledger, TimeProvider time)
    : DelegatingChatClient(inner)
{
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        RoutedResponse.CollectAsync(GetStreamingResponseAsync(messages, options, cancellationToken));

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var at = time.GetUtcNow();
        var meter = new Meter();
        var sent = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var updates = base.GetStreamingResponseAsync(sent, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var ended = false;
        try
        {
            while (true)
            {
                try
                {
                    if (!await updates.MoveNextAsync())
                    {
                        ended = true;
                        break;
                    }
                }
                catch (ModelCallException ex)
                {
                    meter.Outcome = ex.Kind.ToString();
                    throw;
                }

                meter.See(updates.Current, started);
                yield return updates.Current;
            }
        }
        finally
        {
            await updates.DisposeAsync();
            if (meter.Model is not null)
            {
                meter.Settle(sent, ended);
                await ledger.RecordModelCallAsync(meter.ToCall(context, catalog, at, Stopwatch.GetElapsedTime(started)), CancellationToken.None);
            }
        }
    }

    private sealed class Meter
    {
        public string? Model { get; private set; }

        public string Endpoint { get; private set; } = "";

        public bool Fallback { get; private set; }

        public TimeSpan? FirstToken { get; private set; }

        public long InputTokens { get; private set; }

        public long OutputTokens { get; private set; }

        public string Outcome { get; set; } = "ok";

        private long _chunks;
        private long _characters;
        private bool _reported;

        // No usage came: estimate it rather than record a call as free; a stream its reader left early is "stopped".
        public void Settle(IReadOnlyList<ChatMessage> sent, bool ended)
        {
            if (!ended && Outcome == "ok")
            {
                Outcome = "stopped";
            }

            if (!_reported)
            {
                InputTokens = Math.Max(1, sent.Sum(m => m.Contents.Sum(c => c switch
                {
                    TextContent text => text.Text.Length,
                    FunctionResultContent result => result.Result?.ToString()?.Length ?? 0,
                    FunctionCallContent call => call.Name.Length + (call.Arguments?.Count ?? 0) * 16,
                    _ => 0,
                })) / 4);
                OutputTokens = Math.Max(_chunks, _characters / 4);
            }
        }

        public void See(ChatResponseUpdate update, long started)
        {
            if (update.AdditionalProperties is { } properties && properties.TryGetValue(RoutedChatClient.ModelKey, out var model))
            {
                Model = model as string;
                Endpoint = properties.TryGetValue(RoutedChatClient.EndpointKey, out var endpoint) ? endpoint as string ?? "" : "";
                Fallback = properties.TryGetValue(RoutedChatClient.FallbackKey, out var fallback) && fallback is true;
            }

            FirstToken ??= update.Contents.Any(c => c is TextContent or FunctionCallContent) ? Stopwatch.GetElapsedTime(started) : null;
            _chunks += update.Text.Length > 0 ? 1 : 0;
            _characters += update.Text.Length;
            foreach (var usage in update.Contents.OfType<UsageContent>())
            {
                _reported = true;
                InputTokens += usage.Details.InputTokenCount ?? 0;
                OutputTokens += usage.Details.OutputTokenCount ?? 0;
            }
        }

        public ModelCall ToCall(CallContext context, ModelCatalog catalog, DateTimeOffset at, TimeSpan duration)
        {
            var prices = catalog.Models.TryGetValue(Model!, out var spec) ? spec.Config : null;
            var cost = prices is null ? 0m : (InputTokens * prices.CostPerMillionIn) + (OutputTokens * prices.CostPerMillionOut);
            return new ModelCall
            {
                ProjectId = context.ProjectId,
                ItemKey = context.ItemKey,
                ExecutionId = context.ExecutionId,
                Purpose = context.Purpose,
                Model = Model!,
                Endpoint = Endpoint,
                InputTokens = InputTokens,
                OutputTokens = OutputTokens,
                // Prices are per million tokens, and cost is kept in millionths: tokens x price is the cost in micros.
                CostMicros = (long)Math.Round(cost, MidpointRounding.AwayFromZero),
                TimeToFirstToken = FirstToken,
                Duration = duration,
                At = at,
                Fallback = Fallback,
                Outcome = Outcome,
            };
        }
    }
}
