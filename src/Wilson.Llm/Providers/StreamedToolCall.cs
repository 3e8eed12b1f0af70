using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Wilson.Llm.Providers;

/// <summary>A tool call whose arguments arrive as fragments of JSON text, event by event.</summary>
internal sealed class StreamedToolCall(string id, string name)
{
    private readonly StringBuilder _arguments = new();

    public string Id { get; set; } = id;

    public string Name { get; set; } = name;

    public void Append(string fragment) => _arguments.Append(fragment);

    /// <summary>The whole call, its arguments parsed.</summary>
    /// <exception cref="ModelCallException">The arguments are not a JSON object (MalformedResponse).</exception>
    public FunctionCallContent ToContent(ModelEndpoint endpoint, string model)
    {
        var arguments = _arguments.ToString();
        try
        {
            return new FunctionCallContent(Id, Name, ChatJson.Arguments(arguments));
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            throw MalformedAnswer.Error(endpoint, model, Encoding.UTF8.GetBytes(arguments), $"the arguments of tool call '{Name}' are not a JSON object");
        }
    }
}
