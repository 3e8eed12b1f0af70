namespace Wilson.Testing.Models;

/// <summary>What a weak model can see in a conversation: the tools it can call, its last call, and a call that failed.</summary>
/// <param name="Native">True when the request offers native tools; else calls go in the text as fenced blocks.</param>
/// <param name="Tools">The named tools: the request's, or those the system prompt lists for text calls.</param>
/// <param name="LastCall">The last tool call of an assistant message, native or fenced; null when none.</param>
/// <param name="FailedTool">The tool whose result, in the last user or tool message, is a line starting with <c>error:</c>; null when none.</param>
internal sealed record WeakSituation(bool Native, IReadOnlyList<OfferedTool> Tools, ConversationToolCall? LastCall, string? FailedTool)
{
    public const string FinishTool = "finish";

    private const string ResultHeader = "Result of ";

    public static WeakSituation Of(Conversation conversation)
    {
        var tools = conversation.OffersTools
            ? conversation.Tools
            : TextTools.Listed(conversation.Messages.FirstOrDefault(m => m.Role == "system")?.Text ?? "");
        var lastCall = LastCallOf(conversation);
        return new WeakSituation(conversation.OffersTools, [.. tools.Where(t => t.Name.Length > 0)], lastCall, Failed(conversation.LastMessage, lastCall));
    }

    /// <summary>The tools whose schema declares properties, for <see cref="WeakBehaviour.WrongTypes"/>.</summary>
    public IReadOnlyList<OfferedTool> ToolsWithProperties =>
        [.. Tools.Where(t => t.Schema is { } schema && SchemaJunk.Properties(schema).Count > 0)];

    public OfferedTool? Tool(string name) => Tools.FirstOrDefault(t => t.Name == name);

    public bool Applies(WeakBehaviour behaviour) => behaviour switch
    {
        WeakBehaviour.CallRandomTool or WeakBehaviour.BrokenJson or WeakBehaviour.ArgumentsAsString => Tools.Count > 0,
        WeakBehaviour.WrongTypes => ToolsWithProperties.Count > 0,
        WeakBehaviour.RepeatLastCall => LastCall is not null,
        WeakBehaviour.RetryRequiredOnly => FailedTool is not null,
        WeakBehaviour.FinishEarly or WeakBehaviour.FinishJunk => Tool(FinishTool) is not null,
        WeakBehaviour.JsonAnswer => false,
        _ => true,
    };

    private static ConversationToolCall? LastCallOf(Conversation conversation)
    {
        for (var i = conversation.Messages.Count - 1; i >= 0; i--)
        {
            var message = conversation.Messages[i];
            if (message.Role != "assistant")
            {
                continue;
            }

            if (message.ToolCalls.Count > 0)
            {
                return message.ToolCalls[^1];
            }

            if (TextTools.Calls(message.Text) is { Count: > 0 } written)
            {
                return written[^1];
            }
        }

        return null;
    }

    // Wilson answers a refused native call with "error: ..."; text calls get "Result of NAME:\nerror: ...".
    private static string? Failed(string lastMessage, ConversationToolCall? lastCall)
    {
        string? header = null;
        foreach (var line in lastMessage.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith(ResultHeader, StringComparison.Ordinal) && trimmed.EndsWith(':'))
            {
                header = trimmed[ResultHeader.Length..^1];
            }
            else if (trimmed.StartsWith("error:", StringComparison.Ordinal))
            {
                return header ?? lastCall?.Name;
            }
        }

        return null;
    }
}
