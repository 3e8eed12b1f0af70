using Microsoft.Extensions.AI;
using Wilson.Agents.Running;
using Wilson.Agents.Workspaces;
using Wilson.Llm;
using Wilson.Llm.Providers;
using Wilson.Testing.Models;

namespace Wilson.Agents.Tests;

/// <summary>The fake model server with a script, and an Ollama client for it: the model an agent test talks to.</summary>
internal sealed class ScriptedModel : IAsyncDisposable
{
    private readonly ChatClientFactory _factory = new(_ => null, TimeProvider.System);

    private ScriptedModel(FakeModelServer server) => Server = server;

    public FakeModelServer Server { get; }

    public static async Task<ScriptedModel> StartAsync(IEnumerable<ScriptedTurn> turns)
    {
        var script = new FakeModelScript();
        script.Turns.AddRange(turns);
        return new ScriptedModel(await FakeModelServer.StartAsync(script));
    }

    public IChatClient Client() =>
        _factory.Create(new ModelEndpoint { Name = "local", Protocol = ModelProtocol.Ollama, BaseUrl = Server.BaseUri }, FakeModelScript.DefaultModelName);

    public static AgentTool WriteFile(WorktreeFiles files) => new("write_file", "Write a file", AgentTool.Strings("path", "content"),
        (args, _) => Task.FromResult(files.Write(args.GetProperty("path").GetString()!, args.GetProperty("content").GetString()!)));

    public static AgentTool ReadFile(WorktreeFiles files) => new("read_file", "Read a file", AgentTool.Strings("path"),
        (args, _) => Task.FromResult(files.Read(args.GetProperty("path").GetString()!)));

    public async ValueTask DisposeAsync()
    {
        _factory.Dispose();
        await Server.DisposeAsync();
    }
}
