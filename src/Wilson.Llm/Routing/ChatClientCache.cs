using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Wilson.Llm.Providers;

namespace Wilson.Llm.Routing;

/// <summary>One <see cref="IChatClient"/> per model, made on first use with the model's settings.</summary>
public sealed class ChatClientCache(ChatClientFactory factory) : IDisposable
{
    private readonly ConcurrentDictionary<string, IChatClient> _clients = new(StringComparer.Ordinal);

    public IChatClient For(ModelSpec model) => _clients.GetOrAdd(model.Name, _ => factory.Create(model.Endpoint, model.Name, SettingsOf(model)));

    /// <summary>What each call tells the endpoint (see <see cref="ModelSpec.HostKeepAlive"/>).</summary>
    public static ModelCallSettings SettingsOf(ModelSpec model) =>
        new(KeepAlive: model.HostKeepAlive, NumCtx: model.Config.NumCtx, MaxOutputTokens: model.Config.MaxOutputTokens);

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        _clients.Clear();
    }
}
