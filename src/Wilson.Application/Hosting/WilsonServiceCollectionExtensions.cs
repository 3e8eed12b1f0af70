using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wilson.Application.Models;
using Wilson.Llm;

namespace Wilson.Application.Hosting;

/// <summary>Composes a Wilson host: one model layer for the machine, one service per served project.</summary>
public static class WilsonServiceCollectionExtensions
{
    /// <summary>
    /// Adds the store, the clock, the machine's models (their event log, the endpoint checks and warm-up) and a
    /// <see cref="ProjectService"/> for each project of <paramref name="settings"/>.
    /// </summary>
    public static IServiceCollection AddWilsonHost(this IServiceCollection services, WilsonHostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton(settings.Store);
        services.AddSingleton(settings.Time);
        services.AddSingleton(settings.ProjectOptions);
        if (settings.Models is { } catalog)
        {
            var projectIds = settings.Projects.Select(p => p.Project.Id).ToList();
            services.AddSingleton(provider => new ModelEventLog(
                settings.Store, () => projectIds, new LoggedModelEvents(provider.GetRequiredService<ILogger<LoggedModelEvents>>(), settings.ModelEvents)));
            services.AddSingleton(provider =>
                new ModelServices(catalog, settings.Store, provider.GetRequiredService<ModelEventLog>(), settings.Time, settings.Variable));
            services.AddHostedService<ModelsService>();
        }

        foreach (var served in settings.Projects)
        {
            services.AddSingleton<IHostedService>(provider => new ProjectService(
                served, settings.Store, provider.GetService<ModelServices>(), settings.ProjectOptions, settings.Time,
                provider.GetRequiredService<ILogger<ProjectService>>()));
        }

        return services;
    }
}
