using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Wilson.Testing.Models;

/// <summary>Answers a request with the faults that replace the answer (errors and hangs); the stream faults are the <see cref="AnswerWriter"/>'s.</summary>
internal static class FaultResponder
{
    /// <summary>
    /// Applies the request's fault, then finds the model it names; null when the request has been
    /// answered already (by the fault, or with the protocol's not-found error).
    /// </summary>
    public static async Task<(FaultOutcome Outcome, FakeModel Model)?> ModelOrAnsweredAsync(
        FakeModelServer server,
        HttpContext context,
        string? name,
        bool answering,
        ProtocolErrorWriter writeError)
    {
        var outcome = await ApplyAsync(server, context, name, answering, writeError);
        if (outcome.Answered)
        {
            return null;
        }

        if (server.Script.FindModel(name) is not { } model)
        {
            await writeError(context, ProtocolError.NotFound, name ?? "");
            return null;
        }

        return (outcome, model);
    }

    /// <summary>Takes the next fault for this request and, if it replaces the answer, responds with it.</summary>
    public static async Task<FaultOutcome> ApplyAsync(
        FakeModelServer server,
        HttpContext context,
        string? model,
        bool answering,
        ProtocolErrorWriter writeError)
    {
        var fault = server.Faults.Take(context.Request.Path.Value ?? "/", model, answering);
        switch (fault?.Kind)
        {
            case FakeFaultKind.ServerError:
                await writeError(context, ProtocolError.ServerError, "");
                break;
            case FakeFaultKind.TooManyRequests:
                var seconds = (long)Math.Ceiling(fault.RetryAfter.TotalSeconds);
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await writeError(context, ProtocolError.RateLimited, "");
                break;
            case FakeFaultKind.Hang:
                await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
                break;
            case FakeFaultKind.UnknownModel:
                await writeError(context, ProtocolError.NotFound, model ?? "");
                break;
            case FakeFaultKind.OutOfMemory:
                await writeError(context, ProtocolError.OutOfMemory, "");
                break;
            case FakeFaultKind.Unauthorized:
                await writeError(context, ProtocolError.Unauthorized, "");
                break;
            default:
                return new FaultOutcome(Answered: false, fault);
        }

        return new FaultOutcome(Answered: true, fault);
    }
}
