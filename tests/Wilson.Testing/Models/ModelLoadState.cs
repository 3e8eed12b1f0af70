namespace Wilson.Testing.Models;

/// <summary>
/// Which models are "in memory", as Ollama keeps them: a request loads its model until now plus
/// its keep-alive; a keep-alive of zero unloads; a negative one keeps it for good. Expiry is read on
/// the server's <see cref="TimeProvider"/>, so a test moves time instead of waiting.
/// </summary>
internal sealed class ModelLoadState(TimeProvider time)
{
    /// <summary>What Ollama reports for "forever": the longest Go duration, about 292 years.</summary>
    private static readonly TimeSpan Forever = TimeSpan.FromTicks(long.MaxValue / 100);

    private readonly Dictionary<string, LoadedModel> _loaded = new(StringComparer.Ordinal);

    /// <summary>Loads (or keeps) <paramref name="model"/>; true when it was not loaded before (the load took time).</summary>
    public bool Load(FakeModel model, TimeSpan keepAlive)
    {
        var now = time.GetUtcNow();
        lock (_loaded)
        {
            var wasLoaded = _loaded.TryGetValue(model.Name, out var current) && current.ExpiresAt > now;
            if (keepAlive == TimeSpan.Zero)
            {
                _loaded.Remove(model.Name);
            }
            else
            {
                _loaded[model.Name] = new LoadedModel(model, now + (keepAlive < TimeSpan.Zero ? Forever : keepAlive));
            }

            return !wasLoaded;
        }
    }

    public void Unload(FakeModel model)
    {
        lock (_loaded)
        {
            _loaded.Remove(model.Name);
        }
    }

    /// <summary>The models loaded now, in name order; expired ones are dropped.</summary>
    public IReadOnlyList<LoadedModel> Loaded()
    {
        var now = time.GetUtcNow();
        lock (_loaded)
        {
            foreach (var expired in _loaded.Values.Where(l => l.ExpiresAt <= now).ToList())
            {
                _loaded.Remove(expired.Model.Name);
            }

            return [.. _loaded.Values.OrderBy(l => l.Model.Name, StringComparer.Ordinal)];
        }
    }
}
