using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Wilson.Agents.Workspaces;
using Wilson.Core.Configuration;
using Wilson.Llm.Providers;
using Wilson.Llm.Routing;

namespace Wilson.Agents.Running;

/// <summary>
/// One agent run: stream the model's turn, run the tools it calls, give it the results, and repeat
/// until it calls <c>finish</c> or a budget ends the run. Nothing the model sends crashes the loop: an
/// unknown tool is answered with the list of tools, bad arguments with what was wrong; a loop (the same
/// call, arguments and result again and again) or turns without tools are warned about once, then end
/// the run as stuck. Every turn is bounded: its answer is cut at <see cref="AgentBudget.MaxOutputTokensPerTurn"/>
/// and the conversation is kept inside the model's context (<see cref="ConversationWindow"/>) before it is sent.
/// </summary>
/// <param name="client">The model.</param>
/// <param name="tools">The tools of the role (finish is added).</param>
/// <param name="budget">Steps, tokens and time.</param>
/// <param name="onEvent">Where the transcript goes as it happens.</param>
/// <param name="time">The clock budgets and coalescing use.</param>
/// <param name="nativeTools">False for models without tool calling: calls are fenced JSON blocks in the text (see <see cref="TextToolProtocol"/>).</param>
/// <param name="steering">Pause and feedback from a person, honoured between steps; null when nobody steers.</param>
/// <param name="afterStep">Called after each step, the last included, with what the model said and the calls it made: the transcript, a checkpoint.</param>
/// <param name="constrainedCalls">With <paramref name="nativeTools"/> false: each answer is one JSON call whose shape the server enforces (JSON-schema output), so even a weak model's calls parse.</param>
public sealed class AgentLoop(
    IChatClient client,
    IReadOnlyList<AgentTool> tools,
    AgentBudget budget,
    Action<AgentEvent> onEvent,
    TimeProvider time,
    bool nativeTools = true,
    AgentSteering? steering = null,
    Func<AgentStep, CancellationToken, Task>? afterStep = null,
    bool constrainedCalls = false)
{
    public const string FinishTool = "finish";
    private const string UnreadableCall = "(unreadable call)";

    // A server's chunks are about a token each; the slack covers the ones it sends without text.
    private const int CapSlack = 16;

    // No tokenizer makes more characters of a token than this; a stream past it is past the cap however it counts.
    private const int MaxCharactersPerToken = 16;
    private static readonly TimeSpan TextCoalescing = TimeSpan.FromMilliseconds(50);
    private static readonly string[] Results = ["pass", "fail", "blocked"];
    private string? _model;
    private bool _fallback;

    private static readonly AgentTool Finish = new(
        FinishTool,
        "End your work: result pass, fail or blocked; a summary of what you did; a handoff for the next stage (what it needs to know).",
        JsonDocument.Parse("""
            {"type":"object","properties":{"result":{"type":"string","enum":["pass","fail","blocked"]},"summary":{"type":"string"},"handoff":{"type":"string"}},"required":["result","summary"]}
            """).RootElement,
        (_, _) => Task.FromResult("finished"));

    public async Task<AgentResult> RunAsync(string systemPrompt, string briefing, CancellationToken cancellationToken)
    {
        var all = tools.Append(Finish).ToDictionary(t => t.Name, StringComparer.Ordinal);
        var offered = all.Values.Where(t => t.Withheld is null).ToList();
        var options = nativeTools
            ? new ChatOptions { Tools = [.. offered.Select(t => (AITool)AIFunctionFactory.CreateDeclaration(t.Name, t.Description, t.Schema))] }
            : new ChatOptions();
        options.MaxOutputTokens = budget.MaxOutputTokensPerTurn;
        var constrained = !nativeTools && constrainedCalls;
        if (constrained)
        {
            options.ResponseFormat = ChatResponseFormat.ForJsonSchema(TextToolProtocol.CallSchema(offered), "tool_call", "One tool call: the tool's name and its arguments.");
        }

        var system = nativeTools ? systemPrompt : systemPrompt + TextToolProtocol.Instructions(offered, constrained);
        List<ChatMessage> conversation = [new(ChatRole.System, system), new(ChatRole.User, briefing)];
        var window = new ConversationWindow(budget.ContextTokens, budget.MaxOutputTokensPerTurn,
            nativeTools ? offered.Sum(t => t.Name.Length + t.Description.Length + t.Schema.GetRawText().Length) / 3 : 0);
        var started = time.GetTimestamp();
        var repeats = new Dictionary<string, int>(StringComparer.Ordinal);
        var warnedAboutRepeats = false;
        var turnsWithoutTools = 0;
        var stepsWithoutProgress = 0;
        var warnedAboutProgress = false;
        long tokens = 0;
        for (var step = 1; ; step++)
        {
            if (step > budget.MaxSteps)
            {
                return End(AgentOutcome.BudgetExceeded, $"out of turns: the {budget.MaxSteps} left were used without finishing", step - 1, tokens);
            }

            if (tokens >= budget.MaxTokens)
            {
                return End(AgentOutcome.BudgetExceeded, $"out of tokens: {tokens:N0} of {budget.MaxTokens:N0} used without finishing", step - 1, tokens);
            }

            if (time.GetElapsedTime(started) >= budget.MaxTime)
            {
                return End(AgentOutcome.BudgetExceeded, $"out of time: {budget.MaxTime} passed without finishing", step - 1, tokens);
            }

            await SteerAsync(conversation, cancellationToken);
            if (window.Fit(conversation, text => onEvent(new AgentEvent(AgentEventKind.Notice, text))) is { } tooLarge)
            {
                return End(AgentOutcome.Blocked, tooLarge, step - 1, tokens);
            }

            List<ChatMessage> sent = [.. conversation];
            var response = await TurnAsync(conversation, options, budget.MaxTime - time.GetElapsedTime(started), cancellationToken);
            if (response is null)
            {
                return End(AgentOutcome.BudgetExceeded, $"out of time: {budget.MaxTime} passed during a turn", step - 1, tokens);
            }

            window.Learn(sent, response.Usage?.InputTokenCount);
            // A turn cut short reports no usage: its size still counts against the budget.
            tokens += response.Usage is { } usage
                ? (usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0)
                : window.Estimate(sent) + Math.Max(response.Messages.Sum(m => m.Text.Length) / 4, 1);
            NoteModel(response);
            conversation.AddMessages(response);
            var calls = nativeTools
                ? [.. response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()]
                : TextCalls(response.Text);
            var made = new List<AgentToolCall>();
            if (calls.Count == 0)
            {
                await AfterStepAsync(step, response.Text, made, cancellationToken);
                if (++turnsWithoutTools >= budget.MaxTurnsWithoutTools)
                {
                    return End(AgentOutcome.Blocked, $"stuck: {turnsWithoutTools} turns without calling a tool or finish", step, tokens);
                }

                Notice(conversation, response.FinishReason == ChatFinishReason.Length
                    ? $"Your answer was cut at {budget.MaxOutputTokensPerTurn:N0} tokens, the most one answer may take. Answer briefly: call one tool, or finish."
                    : "Call a tool to do the work, or call finish(result, summary, handoff) when you are done.");
                continue;
            }

            turnsWithoutTools = 0;
            var learned = false;
            var repeatedNow = false;
            var results = new List<AIContent>();
            foreach (var call in calls)
            {
                var arguments = JsonSerializer.SerializeToElement(call.Arguments ?? new Dictionary<string, object?>());
                onEvent(new AgentEvent(AgentEventKind.ToolCall, $"{call.Name}({(call.Exception is null ? arguments.GetRawText() : call.RawRepresentation)})"));
                if (call.AdditionalProperties?.TryGetValue(ToolCallArguments.RepairedKey, out var repair) == true)
                {
                    onEvent(new AgentEvent(AgentEventKind.Notice, $"{call.Name}: {repair}"));
                }

                if (call.Name == FinishTool && call.Exception is null && ToolArgumentValidator.Problem(Finish.Schema, arguments) is null && Finished(arguments) is { } finished)
                {
                    made.Add(new AgentToolCall(call.Name, arguments.GetRawText(), "finished"));
                    await AfterStepAsync(step, response.Text, made, cancellationToken);
                    return End(finished.Outcome, finished.Summary, step, tokens, finished.Handoff);
                }

                var result = call.Exception is { } unreadable
                    ? $"error: {call.Name}: {unreadable.Message}. Send the arguments as one JSON object{Expected(all, call.Name)}"
                    : await RunToolAsync(all, call.Name, arguments, cancellationToken);
                onEvent(new AgentEvent(AgentEventKind.ToolResult, result));
                made.Add(new AgentToolCall(call.Name, arguments.GetRawText(), result));
                results.Add(new FunctionResultContent(call.CallId, result));

                var key = $"{call.Name}\n{arguments.GetRawText()}\n{result}";
                var seen = repeats[key] = repeats.GetValueOrDefault(key) + 1;
                // A refused call finds nothing out, however it varies: errors in a row are no progress.
                learned |= seen == 1 && !result.StartsWith("error:", StringComparison.Ordinal);
                repeatedNow |= seen == budget.MaxRepeats;
                if (seen >= budget.MaxRepeats)
                {
                    if (warnedAboutRepeats && seen > budget.MaxRepeats)
                    {
                        await AfterStepAsync(step, response.Text, made, cancellationToken);
                        return End(AgentOutcome.Blocked, $"stuck: {call.Name}({arguments.GetRawText()}) repeated {seen} times with the same result", step, tokens);
                    }

                    warnedAboutRepeats = true;
                }
            }

            conversation.Add(nativeTools ? new ChatMessage(ChatRole.Tool, results) : new ChatMessage(ChatRole.User, TextResults(calls, results)));
            await AfterStepAsync(step, response.Text, made, cancellationToken);

            if (repeatedNow)
            {
                Notice(conversation, $"You have made the same call {budget.MaxRepeats} times with the same result. Try something else, or finish with result blocked and say what you need.");
            }

            // Progress: a step that changed a file or found anything out made a call (arguments, result) not seen before.
            stepsWithoutProgress = learned ? 0 : stepsWithoutProgress + 1;
            if (stepsWithoutProgress > budget.MaxStepsWithoutProgress && warnedAboutProgress)
            {
                var repeated = string.Join(", ", made.Select(c => c.Name).Distinct());
                return End(AgentOutcome.Blocked, $"stuck: {stepsWithoutProgress} steps without progress, repeating {repeated}", step, tokens);
            }

            if (stepsWithoutProgress == budget.MaxStepsWithoutProgress && !warnedAboutProgress)
            {
                warnedAboutProgress = true;
                Notice(conversation, $"Your last {stepsWithoutProgress} steps changed nothing and found out nothing new. Try something else, or finish with result blocked and say what you need.");
            }
        }
    }

    // Text calls become FunctionCallContent like native ones, their arguments read as native ones are; a block
    // that could not be read becomes a call to a tool that does not exist, whose answer says what was wrong.
    private static List<FunctionCallContent> TextCalls(string reply) =>
        [.. TextToolProtocol.Calls(reply).Select((call, i) => call.Problem is null
            ? ToolCallArguments.Read($"text_{i + 1}", call.Name!, call.Arguments)
            : new FunctionCallContent($"text_{i + 1}", UnreadableCall, new Dictionary<string, object?> { ["problem"] = call.Problem }))];

    private static string TextResults(List<FunctionCallContent> calls, List<AIContent> results) =>
        string.Join("\n\n", calls.Zip(results.OfType<FunctionResultContent>(), (call, result) => $"Result of {call.Name}:\n{result.Result}"));

    // Between steps: wait out a pause (the context stays as it is), then hand over any feedback.
    private async Task SteerAsync(List<ChatMessage> conversation, CancellationToken cancellationToken)
    {
        if (steering is null)
        {
            return;
        }

        if (steering.Paused)
        {
            onEvent(new AgentEvent(AgentEventKind.Notice, "paused: waiting to be resumed"));
            await steering.WaitWhilePausedAsync(cancellationToken);
            onEvent(new AgentEvent(AgentEventKind.Notice, "resumed"));
        }

        foreach (var feedback in steering.TakeFeedback())
        {
            Notice(conversation, $"Feedback from the person: {feedback}");
        }
    }

    // The answer, streamed; a server that streams on past the per-turn cap (it was asked for no more) is cut
    // off here: reading stops, which ends the request, and the answer counts as cut at its length.
    // A turn is also bounded in time: past MaxTurnTime it is stopped and counts as cut; past what is left of
    // the run's time it is stopped and the run is out of time (null).
    private async Task<ChatResponse?> TurnAsync(List<ChatMessage> conversation, ChatOptions options, TimeSpan timeLeft, CancellationToken cancellationToken)
    {
        var updates = new List<ChatResponseUpdate>();
        var pending = new StringBuilder();
        var lastFlush = time.GetTimestamp();
        var cap = budget.MaxOutputTokensPerTurn;
        long chunks = 0, characters = 0;
        var runOut = timeLeft <= budget.MaxTurnTime;
        using var limit = new CancellationTokenSource(runOut ? (timeLeft > TimeSpan.Zero ? timeLeft : TimeSpan.FromTicks(1)) : budget.MaxTurnTime, time);
        using var turn = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        void Flush()
        {
            if (pending.Length > 0)
            {
                onEvent(new AgentEvent(AgentEventKind.Text, pending.ToString()));
                pending.Clear();
            }

            lastFlush = time.GetTimestamp();
        }

        ChatResponse Cut(string why)
        {
            Flush();
            onEvent(new AgentEvent(AgentEventKind.Notice, why));
            var cut = updates.ToChatResponse();
            cut.FinishReason = ChatFinishReason.Length;
            return cut;
        }

        try
        {
            await foreach (var update in client.GetStreamingResponseAsync(conversation, options, turn.Token))
            {
                updates.Add(update);
                pending.Append(update.Text);
                chunks += update.Text.Length > 0 ? 1 : 0;
                characters += update.Text.Length;
                if (chunks > cap + CapSlack || characters > (long)cap * MaxCharactersPerToken)
                {
                    return Cut($"output cut: the answer went past {cap:N0} tokens, the most one turn may take");
                }

                if (pending.Length > 0 && time.GetElapsedTime(lastFlush) >= TextCoalescing)
                {
                    Flush();
                }
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            if (runOut)
            {
                Flush();
                return null;
            }

            return Cut($"output cut: the answer took longer than {budget.MaxTurnTime}, the most one turn may take");
        }

        Flush();
        var response = updates.ToChatResponse();
        if (response.FinishReason == ChatFinishReason.Length)
        {
            onEvent(new AgentEvent(AgentEventKind.Notice, $"output cut: the server stopped the answer at its limit of {cap:N0} tokens"));
        }

        return response;
    }

    private static async Task<string> RunToolAsync(Dictionary<string, AgentTool> all, string name, JsonElement arguments, CancellationToken cancellationToken)
    {
        if (name == UnreadableCall)
        {
            return $"error: {arguments.GetProperty("problem").GetString()}";
        }

        if (!all.TryGetValue(name, out var tool))
        {
            var names = all.Values.Where(t => t.Withheld is null).Select(t => t.Name).ToList();
            return $"error: unknown tool '{name}'{Suggestions.DidYouMean(name, names)}; the tools are: {string.Join(", ", names)}";
        }

        if (tool.Withheld is { } why)
        {
            return $"error: {why}";
        }

        if (ToolArgumentValidator.Problem(tool.Schema, arguments) is { } problem)
        {
            return $"error: {name}: {problem}";
        }

        try
        {
            return await tool.Run(arguments, cancellationToken);
        }
        catch (ToolException ex)
        {
            return $"error: {ex.Message}";
        }
    }

    // What the tool takes, for a model that sent arguments that could not be read.
    private static string Expected(Dictionary<string, AgentTool> all, string name) =>
        all.TryGetValue(name, out var tool) && tool.Withheld is null ? $" matching this schema: {tool.Schema.GetRawText()}" : "";

    private static (AgentOutcome Outcome, string Summary, string? Handoff)? Finished(JsonElement arguments)
    {
        var result = arguments.TryGetProperty("result", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        if (result is null || !Results.Contains(result))
        {
            return null;
        }

        var summary = arguments.TryGetProperty("summary", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "";
        var handoff = arguments.TryGetProperty("handoff", out var h) && h.ValueKind == JsonValueKind.String ? h.GetString() : null;
        return (result switch { "pass" => AgentOutcome.Pass, "fail" => AgentOutcome.Fail, _ => AgentOutcome.Blocked }, summary, handoff);
    }

    private void Notice(List<ChatMessage> conversation, string text)
    {
        onEvent(new AgentEvent(AgentEventKind.Notice, text));
        conversation.Add(new ChatMessage(ChatRole.User, text));
    }

    private AgentResult End(AgentOutcome outcome, string summary, int steps, long tokens, string? handoff = null)
    {
        onEvent(new AgentEvent(AgentEventKind.Notice, $"{outcome}: {summary}"));
        return new AgentResult(outcome, summary, handoff, steps, tokens) { Model = _model, Fallback = _fallback };
    }

    private Task AfterStepAsync(int step, string modelOutput, List<AgentToolCall> calls, CancellationToken cancellationToken) =>
        afterStep is null ? Task.CompletedTask : afterStep(new AgentStep(step, modelOutput, calls), cancellationToken);

    // The routed client says on the first chunk which model answered; a client that does not keeps the last known.
    private void NoteModel(ChatResponse response)
    {
        if (response.AdditionalProperties is not { } properties)
        {
            return;
        }

        if (properties.TryGetValue(RoutedChatClient.ModelKey, out var name) && name is string model)
        {
            if (model != _model)
            {
                onEvent(new AgentEvent(AgentEventKind.Model, model));
            }

            _model = model;
            _fallback = properties.TryGetValue(RoutedChatClient.FallbackKey, out var fallback) && fallback is true;
        }
    }
}
