using System.CommandLine;
using Spectre.Console;
using Wilson.Core.Configuration;
using Wilson.Core.Items;
using Wilson.Llm;
using Wilson.Llm.Providers.Ollama;
using Wilson.Llm.Registry;

namespace Wilson.Cli.Commands;

/// <summary><c>wilson models</c>: which model serves each purpose, where, warm or cold; <c>warm</c> and <c>unload</c> one.</summary>
internal static class ModelsCommand
{
    public static Command Create(CliEnvironment environment, GlobalOptions options)
    {
        var command = new Command("models", "Which model serves each purpose, on which endpoint, warm or cold, its size and the endpoint's health");
        command.SetCliAction(environment, options, ListAsync);

        var warmModel = new Argument<string>("model") { Description = "The model to load now, as wilson.yaml names it" };
        var warm = new Command("warm", "Load a model now, so its first call does not wait for it") { warmModel };
        warm.SetCliAction(environment, options, (cli, ct) => LoadOrUnloadAsync(cli, cli.Get(warmModel), load: true, ct));

        var unloadModel = new Argument<string>("model") { Description = "The model to unload now, as wilson.yaml names it" };
        var unload = new Command("unload", "Unload a model now, freeing its memory") { unloadModel };
        unload.SetCliAction(environment, options, (cli, ct) => LoadOrUnloadAsync(cli, cli.Get(unloadModel), load: false, ct));

        command.Add(warm);
        command.Add(unload);
        return command;
    }

    private static async Task<int> ListAsync(CliContext cli, CancellationToken cancellationToken)
    {
        await using var project = await cli.OpenProjectAsync(cancellationToken);
        var catalog = Catalog(cli, project.Config);
        await using var services = new ModelServices(catalog, project.Store, NoModelEvents.Instance, cli.Time, cli.Environment.Variable);
        await services.Registry.RefreshAsync(cancellationToken);
        var report = ModelsReport.From(catalog, services, cli.Environment.Variable);
        if (cli.Json)
        {
            cli.Output.WriteJson(report);
            return ExitCodes.Success;
        }

        Write(cli.Output.Console, report);
        return ExitCodes.Success;
    }

    private static async Task<int> LoadOrUnloadAsync(CliContext cli, string name, bool load, CancellationToken cancellationToken)
    {
        await using var project = await cli.OpenProjectAsync(cancellationToken);
        var catalog = Catalog(cli, project.Config);
        if (!catalog.Models.TryGetValue(name, out var model))
        {
            throw new CliException($"no model '{name}' in wilson.yaml{Suggestions.DidYouMean(name, catalog.Models.Keys)}; models: {string.Join(", ", catalog.Models.Keys)}");
        }

        if (model.Endpoint.Protocol != ModelProtocol.Ollama)
        {
            cli.Output.Console.WriteLine($"{name} runs on {model.Endpoint.Name} ({model.Endpoint.Protocol}): there is nothing to {(load ? "load" : "unload")}");
            return ExitCodes.Success;
        }

        using var http = new HttpClient();
        var api = new OllamaApi(http, model.Endpoint);
        try
        {
            if (load)
            {
                await api.LoadAsync(name, model.HostKeepAlive, cancellationToken);
            }
            else
            {
                await api.UnloadAsync(name, cancellationToken);
            }
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            throw new CliException($"Ollama does not answer at {model.Endpoint.BaseUrl}: is it running? (`ollama serve`, or set OLLAMA_HOST)");
        }

        cli.Output.Console.WriteLine(load
            ? $"{name} is loaded on {model.Endpoint.Name}{(model.Config.KeepAlive ? " and stays loaded (keep_alive)" : $"; it unloads after {DurationText.Format(model.Config.IdleTimeout)} idle")}"
            : $"{name} is unloaded from {model.Endpoint.Name}");
        return ExitCodes.Success;
    }

    internal static ModelCatalog Catalog(CliContext cli, ProjectConfig config) =>
        config.Models.IsEmpty
            ? throw new CliException("no models are configured: add a models section to .wilson/wilson.yaml (`wilson init --profile mid` writes one in a new project)")
            : ModelCatalog.From(config.Models, cli.Environment.Variable);

    private static void Write(IAnsiConsole console, ModelsReport report)
    {
        var endpoints = new Table().Title("Endpoints").AddColumns("Endpoint", "Protocol", "Address", "Health");
        foreach (var endpoint in report.Endpoints)
        {
            endpoints.AddRow(new Text(endpoint.Name), new Text(endpoint.Protocol), new Text(endpoint.Address),
                new Markup(endpoint.Healthy ? $"[green]up[/] ({endpoint.LatencyMs} ms)" : $"[red]down[/]: {Markup.Escape(endpoint.Error ?? "")}"));
        }

        console.Write(endpoints);
        var purposes = new Table().Title("Purposes").AddColumns("Purpose", "Model", "Endpoint", "State", "Size", "Routes to now");
        foreach (var purpose in report.Purposes)
        {
            foreach (var model in purpose.Models)
            {
                purposes.AddRow(
                    new Text(model == purpose.Models[0] ? purpose.Purpose : ""),
                    new Text(model.Name),
                    new Text(model.Endpoint),
                    new Text(model.State),
                    new Text(model.SizeBytes is { } size ? ByteSize.Format(size) : "-"),
                    new Text(model == purpose.Models[0] ? purpose.Route : ""));
            }
        }

        console.Write(purposes);
    }

    /// <summary>What <c>wilson models --json</c> prints.</summary>
    internal sealed record ModelsReport(IReadOnlyList<EndpointLine> Endpoints, IReadOnlyList<PurposeLine> Purposes)
    {
        public static ModelsReport From(ModelCatalog catalog, ModelServices services, Func<string, string?> environment)
        {
            var endpoints = catalog.Endpoints.Select(e => services.Registry.StatusOf(e.Name) is { } status
                ? new EndpointLine(e.Name, e.Protocol.ToString().ToLowerInvariant(), e.BaseUrl.ToString(), status.Healthy, (long?)status.Latency?.TotalMilliseconds, status.LastError,
                    e.ApiKeyEnv is { } variable ? environment(variable) is not null : null)
                : new EndpointLine(e.Name, e.Protocol.ToString().ToLowerInvariant(), e.BaseUrl.ToString(), false, null, "not checked", null)).ToList();
            var purposes = ModelsConfig.Purposes.Where(catalog.Purposes.ContainsKey).Select(purpose => new PurposeLine(
                purpose,
                services.Route(purpose, ComplexityTier.Standard).Reason,
                [.. catalog.Purposes[purpose].Select(name => ModelLine(catalog.Models[name], services.Registry.StatusOf(catalog.Models[name].Endpoint.Name)))])).ToList();
            return new ModelsReport(endpoints, purposes);
        }

        private static ModelLine ModelLine(ModelSpec model, EndpointStatus? status)
        {
            var listed = status?.Pulled.FirstOrDefault(m => m.Name == model.Name || m.Name == model.Name + ":latest");
            var state = status is not { Healthy: true } ? "endpoint down"
                : model.Cloud ? "cloud"
                : status.IsLoaded(model.Name) ? "warm"
                : listed is not null ? "cold"
                : "not pulled";
            return new ModelLine(model.Name, model.Endpoint.Name, state, model.Config.SizeBytes ?? listed?.SizeBytes, model.Config.KeepAlive);
        }
    }

    internal sealed record EndpointLine(string Name, string Protocol, string Address, bool Healthy, long? LatencyMs, string? Error, bool? KeyPresent);

    internal sealed record PurposeLine(string Purpose, string Route, IReadOnlyList<ModelLine> Models);

    internal sealed record ModelLine(string Name, string Endpoint, string State, long? SizeBytes, bool KeepAlive);
}
