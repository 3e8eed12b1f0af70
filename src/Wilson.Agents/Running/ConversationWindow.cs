using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Wilson.Agents.Running;

/// <summary>
/// Keeps a conversation inside the model's context window, checked before every call so that a request that
/// cannot fit is never sent: first old tool output (and long old answers) is cut down, then the oldest steps are
/// folded into one summary line each, and when even the system prompt and briefing do not fit, it says so. Sizes
/// are estimated at three characters a token (more than most text takes) and corrected by what the server
/// reports it counted for the last request.
/// </summary>
/// <param name="contextTokens">The model's window; null when unknown (then nothing is cut).</param>
/// <param name="outputTokens">What one answer may take: kept free for it.</param>
/// <param name="fixedTokens">What every request carries besides the messages (the tools' schemas).</param>
internal sealed class ConversationWindow(int? contextTokens, int outputTokens, int fixedTokens)
{
    private const int CharactersPerToken = 3;
    private const int TokensPerMessage = 4;
    private const int KeptSteps = 2;
    private const int LongText = 2_000;
    private const int SummaryLine = 120;
    private const string TrimmedMark = "[trimmed";

    // Tokens the server counted for each token estimated; starts at one and follows the server's counts.
    private double _scale = 1;

    /// <summary>The most tokens the messages may take, the answer's room left free; null when the window is unknown.</summary>
    public int? Limit => contextTokens is { } window ? window - Math.Min(outputTokens, window / 4) - fixedTokens : null;

    /// <summary>The estimated tokens of <paramref name="conversation"/>, as the server would count them.</summary>
    public int Estimate(IReadOnlyList<ChatMessage> conversation) => (int)Math.Ceiling(conversation.Sum(Size) * _scale);

    /// <summary>Learns from the server's count of the last request's prompt, whose messages were <paramref name="sent"/>.</summary>
    public void Learn(IReadOnlyList<ChatMessage> sent, long? promptTokens)
    {
        var estimated = sent.Sum(Size) + fixedTokens;
        if (promptTokens is > 0 && estimated > 0)
        {
            _scale = Math.Clamp((double)promptTokens.Value / estimated, 0.5, 4);
        }
    }

    /// <summary>
    /// Makes <paramref name="conversation"/> fit, telling <paramref name="notice"/> what it cut; returns null when it
    /// fits (or the window is unknown), else why it cannot (the first two messages, system and briefing, never go).
    /// </summary>
    public string? Fit(List<ChatMessage> conversation, Action<string> notice)
    {
        if (Limit is not { } limit || Estimate(conversation) <= limit)
        {
            return null;
        }

        var steps = StepStarts(conversation);
        var keepFrom = steps.Count > KeptSteps ? steps[^KeptSteps] : conversation.Count;
        var trimmed = 0;
        for (var i = 2; i < keepFrom && Estimate(conversation) > limit; i++)
        {
            trimmed += Trim(conversation, i);
        }

        if (trimmed > 0)
        {
            notice(string.Create(CultureInfo.InvariantCulture, $"context: trimmed {trimmed:N0} characters of old tool output and answers to stay within {contextTokens:N0} tokens"));
        }

        var folded = 0;
        while (Estimate(conversation) > limit && StepStarts(conversation) is { Count: > 1 } starts)
        {
            folded += Fold(conversation, starts[0], starts[1]);
        }

        if (folded > 0)
        {
            notice(string.Create(CultureInfo.InvariantCulture, $"context: summarised {folded} earlier step(s) to stay within {contextTokens:N0} tokens"));
        }

        var size = Estimate(conversation);
        return size <= limit
            ? null
            : string.Create(CultureInfo.InvariantCulture,
                $"the conversation cannot fit the model's context: it needs about {size:N0} tokens with the answer's room, more than the {contextTokens:N0} of its window; give the model a larger context (num_ctx) or split the item");
    }

    private static int Size(ChatMessage message) =>
        TokensPerMessage + (message.Contents.Sum(content => content switch
        {
            TextContent text => text.Text.Length,
            FunctionCallContent call => call.Name.Length + (call.Arguments is null ? 0 : JsonSerializer.Serialize(call.Arguments).Length),
            FunctionResultContent result => result.Result?.ToString()?.Length ?? 0,
            _ => 0,
        }) / CharactersPerToken);

    // Where each step begins: an answer of the model after the briefing.
    private static List<int> StepStarts(List<ChatMessage> conversation) =>
        [.. conversation.Select((message, index) => (message, index)).Where(m => m.index >= 2 && m.message.Role == ChatRole.Assistant).Select(m => m.index)];

    // Old tool output and long old answers keep their first line; what the model decided on them stays in the steps after.
    private static int Trim(List<ChatMessage> conversation, int index)
    {
        var message = conversation[index];
        var cut = 0;
        var contents = message.Contents.Select(content =>
        {
            switch (content)
            {
                case FunctionResultContent { Result: { } result } output when result.ToString() is { Length: > SummaryLine } text && !text.StartsWith(TrimmedMark, StringComparison.Ordinal):
                    cut += text.Length;
                    return new FunctionResultContent(output.CallId, Trimmed(text));
                case TextContent { Text.Length: > LongText } text when message.Role == ChatRole.Assistant || text.Text.StartsWith("Result of ", StringComparison.Ordinal):
                    cut += text.Text.Length;
                    return new TextContent(Trimmed(text.Text));
                default:
                    return content;
            }
        }).ToList();
        if (cut > 0)
        {
            conversation[index] = new ChatMessage(message.Role, contents);
        }

        return cut;
    }

    private static string Trimmed(string text) =>
        string.Create(CultureInfo.InvariantCulture, $"{TrimmedMark} to keep within the context window; it began: {FirstLine(text)} ({text.Length:N0} characters)]");

    // The step from start to end (its answer, its results, the notices after it) becomes one line of the summary after the briefing.
    private static int Fold(List<ChatMessage> conversation, int start, int end)
    {
        var lines = new StringBuilder();
        foreach (var message in conversation.GetRange(start, end - start))
        {
            foreach (var content in message.Contents)
            {
                var line = content switch
                {
                    FunctionCallContent call => $"called {call.Name}({Short(call.Arguments is null ? "" : JsonSerializer.Serialize(call.Arguments))})",
                    FunctionResultContent result => $"  -> {FirstLine(result.Result?.ToString() ?? "")}",
                    TextContent text when message.Role == ChatRole.Assistant && text.Text.Trim().Length > 0 => $"said: {FirstLine(text.Text)}",
                    _ => null,
                };
                if (line is not null)
                {
                    lines.Append("- ").Append(line).Append('\n');
                }
            }
        }

        conversation.RemoveRange(start, end - start);
        const string Heading = "Earlier steps, summarised to keep within the context window:\n";
        if (conversation[2] is { Role.Value: "user" } summary && summary.Text.StartsWith(Heading, StringComparison.Ordinal))
        {
            conversation[2] = new ChatMessage(ChatRole.User, summary.Text + lines);
        }
        else
        {
            conversation.Insert(2, new ChatMessage(ChatRole.User, Heading + lines));
        }

        return 1;
    }

    private static string FirstLine(string text)
    {
        var line = text.AsSpan().TrimStart();
        var end = line.IndexOf('\n');
        line = end >= 0 ? line[..end] : line;
        return Short(line.ToString());
    }

    private static string Short(string text) => text.Length <= SummaryLine ? text : text[..SummaryLine] + "...";
}
