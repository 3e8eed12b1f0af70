using Microsoft.Extensions.Hosting;

namespace Wilson.Testing.Models;

/// <summary>
/// A host lifetime that neither prints nor listens for Ctrl+C: a server inside a test process must
/// not stop when the test runner is interrupted, and the standalone mode handles signals itself.
/// </summary>
internal sealed class QuietHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
