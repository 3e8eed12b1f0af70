using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wilson.Llm;

namespace Wilson.Application.Hosting;

/// <summary>
/// The machine's models while the host runs: the endpoints checked on a timer (up or down, what is pulled and loaded),
/// and the keep_alive models loaded at start so the first call finds them warm. Loading runs beside everything else:
/// a slow or absent endpoint must not hold the host up; a model that cannot be loaded now loads on first use.
/// </summary>
public sealed partial class ModelsService(ModelServices models, ILogger<ModelsService> logger) : BackgroundService
{
    /// <summary>How often the model endpoints are checked.</summary>
    public static readonly TimeSpan RegistryInterval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        models.Registry.Start(RegistryInterval);
        try
        {
            await models.Lifecycle.WarmKeepAliveModelsAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped while warming.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // An endpoint that is down or refuses the model: the lifecycle has said which and why (model.load_failed),
            // and the model loads on first use instead. Warming is a head start, never a reason to stop the host.
            Log.WarmFailed(logger, ex.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Could not load the keep_alive models at start: {Reason}")]
        public static partial void WarmFailed(ILogger logger, string reason);
    }
}
