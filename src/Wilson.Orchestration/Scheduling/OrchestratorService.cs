using Microsoft.Extensions.Hosting;

namespace Wilson.Orchestration.Scheduling;

/// <summary>The orchestrator as a hosted service, for a host that runs it beside other things (the hub).</summary>
public sealed class OrchestratorService(Orchestrator orchestrator) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => orchestrator.RunAsync(stoppingToken);
}
