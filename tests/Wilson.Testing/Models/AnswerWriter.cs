using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Wilson.Testing.Models;

/// <summary>
/// Delivers an answer, streamed or whole, and plays the faults that happen during delivery:
/// <see cref="FakeFaultKind.SlowStream"/>, <see cref="FakeFaultKind.MalformedMidStream"/> and
/// <see cref="FakeFaultKind.DropConnection"/>.
/// </summary>
internal static class AnswerWriter
{
    private static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Streams the text chunk by chunk, then the tool calls. A slow stream waits before each text
    /// chunk and before the tool calls; a malformed or dropped one breaks after the first text chunk
    /// (or at once when there is no text).
    /// </summary>
    public static async Task StreamAsync(HttpContext context, IAnswerStream stream, ScriptedAnswer answer, FakeFault? fault, TimeProvider time)
    {
        var cancellationToken = context.RequestAborted;
        await stream.StartAsync(cancellationToken);
        for (var i = 0; i < answer.Tokens.Count; i++)
        {
            await PauseAsync(fault, time, cancellationToken);
            await stream.TextAsync(answer.Tokens[i], cancellationToken);
            if (i == 0 && await BreakAsync(context, stream, fault))
            {
                return;
            }
        }

        if (answer.Tokens.Count == 0 && await BreakAsync(context, stream, fault))
        {
            return;
        }

        if (answer.ToolCalls.Count > 0)
        {
            await PauseAsync(fault, time, cancellationToken);
            await stream.ToolCallsAsync(answer.ToolCalls, cancellationToken);
        }

        await stream.FinishAsync(cancellationToken);
    }

    /// <summary>
    /// Sends one JSON body. A slow stream waits <paramref name="chunks"/> delays first (what the
    /// streamed answer would have taken); a malformed one sends the body's first half; a dropped one
    /// closes the connection without a response.
    /// </summary>
    public static async Task WholeAsync(HttpContext context, JsonNode body, FakeFault? fault, int chunks, TimeProvider time)
    {
        var cancellationToken = context.RequestAborted;
        for (var i = 0; i < Math.Max(1, chunks); i++)
        {
            await PauseAsync(fault, time, cancellationToken);
        }

        switch (fault?.Kind)
        {
            case FakeFaultKind.DropConnection:
                context.Abort();
                return;
            case FakeFaultKind.MalformedMidStream:
                var text = HttpJson.Text(body);
                context.Response.ContentType = "application/json; charset=utf-8";
                await context.Response.WriteAsync(text[..(text.Length / 2)], cancellationToken);
                return;
            default:
                await HttpJson.WriteAsync(context, StatusCodes.Status200OK, body);
                return;
        }
    }

    /// <summary>The chunks a whole answer would have been streamed in (for a slow stream's total wait).</summary>
    public static int ChunksOf(ScriptedAnswer answer) => answer.Tokens.Count + (answer.ToolCalls.Count > 0 ? 1 : 0);

    private static async Task PauseAsync(FakeFault? fault, TimeProvider time, CancellationToken cancellationToken)
    {
        if (fault is { Kind: FakeFaultKind.SlowStream, Delay: var delay } && delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, time, cancellationToken);
        }
    }

    /// <summary>
    /// Aborts the connection once what was flushed has had time to reach the client: an abort
    /// discards output Kestrel has not sent yet, and a reset makes the client's kernel discard data
    /// it has not read, so an immediate abort could lose the good start the client should see.
    /// This wait is network settling, not model time, so it runs on the real clock.
    /// </summary>
    private static async Task DropAsync(HttpContext context)
    {
        try
        {
            await Task.Delay(SettleTime, context.RequestAborted);
        }
        finally
        {
            context.Abort();
        }
    }

    private static async Task<bool> BreakAsync(HttpContext context, IAnswerStream stream, FakeFault? fault)
    {
        switch (fault?.Kind)
        {
            case FakeFaultKind.MalformedMidStream:
                await stream.MalformedAsync(context.RequestAborted);
                return true;
            case FakeFaultKind.DropConnection:
                await DropAsync(context);
                return true;
            default:
                return false;
        }
    }
}
