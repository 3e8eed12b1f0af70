using Microsoft.Extensions.Logging;
using Wilson.Llm;
using Wilson.Llm.Routing;

namespace Wilson.Application.Models;

/// <summary>
/// Model events in the host's log, each routing decision with its reason included (at Debug: one per call), then
/// passed on to <paramref name="next"/> (the terminal).
/// </summary>
public sealed partial class LoggedModelEvents(ILogger<LoggedModelEvents> logger, IModelEventSink? next = null) : IModelEventSink
{
    public void Publish(ModelEvent modelEvent)
    {
        if (modelEvent.Type == RoutedChatClient.RoutedEvent)
        {
            Log.Routed(logger, modelEvent.Message);
        }
        else
        {
            Log.Changed(logger, modelEvent.Type, modelEvent.Message);
        }

        next?.Publish(modelEvent);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Routed: {Reason}")]
        public static partial void Routed(ILogger logger, string reason);

        [LoggerMessage(2, LogLevel.Information, "{Type}: {Message}")]
        public static partial void Changed(ILogger logger, string type, string message);
    }
}
