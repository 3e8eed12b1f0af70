namespace Wilson.Testing.Models;

/// <summary>
/// What a <see cref="WeakModel"/> does with a request. Each is written in the log in snake case
/// (<see cref="WeakModelPlay.Name"/>): <c>call_random_tool</c>, <c>unknown_tool</c> and so on.
/// </summary>
public enum WeakBehaviour
{
    /// <summary>Calls an offered tool with arguments filled from its schema with plausible junk.</summary>
    CallRandomTool,

    /// <summary>Calls a tool that is not offered: <c>bash</c>, <c>shell</c>, <c>do_task</c> or <c>write</c>.</summary>
    UnknownTool,

    /// <summary>
    /// Calls an offered tool with arguments that are not valid JSON (cut in the middle) where the wire can carry
    /// them (OpenAI's string, Anthropic's streamed deltas, a fenced block); elsewhere as <see cref="ArgumentsAsString"/>.
    /// </summary>
    BrokenJson,

    /// <summary>Calls an offered tool with the arguments object encoded as a JSON string.</summary>
    ArgumentsAsString,

    /// <summary>Calls an offered tool that has properties with values of the wrong types.</summary>
    WrongTypes,

    /// <summary>Makes the conversation's last tool call again, arguments and all; only when there is one.</summary>
    RepeatLastCall,

    /// <summary>After a message that starts with <c>error:</c>, calls the failed tool again with only its required arguments.</summary>
    RetryRequiredOnly,

    /// <summary>Answers some gibberish text and no call.</summary>
    TextOnly,

    /// <summary>Writes words until the request's output limit, or <see cref="WeakModel.EndlessTokens"/>, and stops for length.</summary>
    EndlessText,

    /// <summary>Calls <c>finish</c> (when offered) at once, claiming a pass.</summary>
    FinishEarly,

    /// <summary>Calls <c>finish</c> (when offered) with junk: a result outside its enum, or no summary.</summary>
    FinishJunk,

    /// <summary>Not chosen by weight: the answer whenever the request asks for a JSON response format, a bare JSON document that matches its schema.</summary>
    JsonAnswer,
}
