using System.Text;
using Microsoft.Extensions.AI;

namespace Wilson.Llm.Providers;

/// <summary>A tool call whose arguments arrive as fragments of JSON text, event by event.</summary>
internal sealed class StreamedToolCall(string id, string name)
{
    private readonly StringBuilder _arguments = new();

    public string Id { get; set; } = id;

    public string Name { get; set; } = name;

    public void Append(string fragment) => _arguments.Append(fragment);

    /// <summary>The whole call, its arguments read as <see cref="ToolCallArguments"/> says (arguments that cannot be read are the agent's to answer, not a failed call).</summary>
    public FunctionCallContent ToContent() => ToolCallArguments.Read(Id, Name, _arguments.ToString());
}
