using System.Text.Json.Nodes;

namespace Wilson.Testing.Models;

/// <summary>Plays a <see cref="WeakModel"/> for one conversation: draws a behaviour that applies, then the call or text it makes.</summary>
internal static class WeakModelPlayer
{
    private static readonly string[] UnknownTools = ["bash", "shell", "do_task", "write"];

    private static readonly string[] FinishJunk =
        ["""{"result":"ok"}""", """{"result":"pass"}""", """{"result":"success","summary":"done"}""", "{}"];

    public static WeakReply Play(WeakModel model, Conversation conversation)
    {
        var random = new Random(WeakModelSeed.For(model.Seed, conversation));
        var pool = JunkPool.For(conversation, random);
        var junk = new SchemaJunk(random, pool);
        if (conversation.ResponseFormat is { } format)
        {
            var document = format.Schema is { } schema ? junk.Fill(schema, strict: true) : new JsonObject { ["answer"] = pool.Gibberish(random.Next(3, 12)) };
            return new WeakReply(new WeakModelPlay(WeakBehaviour.JsonAnswer, null, null, InText: false), document is null ? "null" : HttpJson.Text(document), [], false);
        }

        var situation = WeakSituation.Of(conversation);
        var behaviour = Choose(model, situation, random);
        if (behaviour == WeakBehaviour.EndlessText)
        {
            var words = Math.Max(1, conversation.MaxOutputTokens ?? model.EndlessTokens);
            return new WeakReply(new WeakModelPlay(behaviour, null, null, InText: false), pool.Gibberish(words), [], HitLimit: true);
        }

        if (behaviour == WeakBehaviour.TextOnly)
        {
            return Limited(new WeakModelPlay(behaviour, null, null, InText: false), pool.Gibberish(random.Next(5, 40)), conversation);
        }

        var call = Call(behaviour, situation, random, pool, junk);
        var preamble = random.Next(10) < 3 ? pool.Gibberish(random.Next(3, 12)) : "";
        var play = new WeakModelPlay(behaviour, call.Name, call.Written, InText: !situation.Native);
        return situation.Native
            ? new WeakReply(play, preamble, [call.Native()], false)
            : Limited(play, preamble.Length > 0 ? $"{preamble}\n\n{call.Fenced()}" : call.Fenced(), conversation);
    }

    private static WeakBehaviour Choose(WeakModel model, WeakSituation situation, Random random)
    {
        var weighted = Enum.GetValues<WeakBehaviour>()
            .Where(situation.Applies)
            .Select(b => (Behaviour: b, Weight: Math.Max(0, model.WeightOf(b))))
            .Where(w => w.Weight > 0)
            .ToList();
        var roll = random.Next(Math.Max(1, weighted.Sum(w => w.Weight)));
        foreach (var (behaviour, weight) in weighted)
        {
            if (roll < weight)
            {
                return behaviour;
            }

            roll -= weight;
        }

        return WeakBehaviour.TextOnly;
    }

    private static WeakCall Call(WeakBehaviour behaviour, WeakSituation situation, Random random, JunkPool pool, SchemaJunk junk)
    {
        OfferedTool AnyTool() => situation.Tools[random.Next(situation.Tools.Count)];
        WeakCall Filled(OfferedTool tool, WeakCallShape shape) =>
            new(tool.Name, HttpJson.Text(junk.Fill(tool.Schema, strict: false) as JsonObject ?? new JsonObject()), shape);

        switch (behaviour)
        {
            case WeakBehaviour.CallRandomTool:
                return Filled(AnyTool(), WeakCallShape.Object);
            case WeakBehaviour.BrokenJson:
                return Filled(AnyTool(), WeakCallShape.Broken);
            case WeakBehaviour.ArgumentsAsString:
                return Filled(AnyTool(), WeakCallShape.AsString);
            case WeakBehaviour.WrongTypes:
                var typed = situation.ToolsWithProperties[random.Next(situation.ToolsWithProperties.Count)];
                return new WeakCall(typed.Name, HttpJson.Text(junk.WrongTypes(typed.Schema!.Value)), WeakCallShape.Object);
            case WeakBehaviour.RepeatLastCall:
                return new WeakCall(situation.LastCall!.Name, situation.LastCall.ArgumentsText, WeakCallShape.Object);
            case WeakBehaviour.RetryRequiredOnly:
                var failed = situation.FailedTool!;
                return new WeakCall(failed, HttpJson.Text(junk.RequiredOnly(situation.Tool(failed)?.Schema)), WeakCallShape.Object);
            case WeakBehaviour.FinishEarly:
                return new WeakCall(WeakSituation.FinishTool, """{"result":"pass","summary":"All done; the tests pass."}""", WeakCallShape.Object);
            case WeakBehaviour.FinishJunk:
                return new WeakCall(WeakSituation.FinishTool, FinishJunk[random.Next(FinishJunk.Length)], WeakCallShape.Object);
            default:
                var names = UnknownTools.Where(n => situation.Tool(n) is null).ToList();
                var name = names.Count > 0 ? names[random.Next(names.Count)] : "do_task_now";
                return new WeakCall(name, HttpJson.Text(UnknownArguments(name, random, pool)), WeakCallShape.Object);
        }
    }

    private static JsonObject UnknownArguments(string name, Random random, JunkPool pool) => name switch
    {
        "bash" or "shell" => new JsonObject
        {
            ["command"] = random.Next(4) switch
            {
                0 => "ls -la",
                1 => $"cat {pool.File()}",
                2 => "rm -rf build",
                _ => $"python {pool.File()}",
            },
        },
        "write" => new JsonObject { ["path"] = pool.File(), ["content"] = pool.Gibberish(random.Next(2, 10)) },
        _ => new JsonObject { ["task"] = pool.Gibberish(random.Next(2, 10)) },
    };

    /// <summary>Text cut at the request's output limit, as a server stops a model there.</summary>
    private static WeakReply Limited(WeakModelPlay play, string text, Conversation conversation)
    {
        var tokens = ScriptedAnswer.Tokenize(text);
        return conversation.MaxOutputTokens is { } limit && tokens.Count > limit
            ? new WeakReply(play, string.Concat(tokens.Take(limit)), [], HitLimit: true)
            : new WeakReply(play, text, [], HitLimit: false);
    }
}
