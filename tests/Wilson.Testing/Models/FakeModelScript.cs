namespace Wilson.Testing.Models;

/// <summary>
/// The models a <see cref="FakeModelServer"/> has and the answers it gives.
/// </summary>
/// <remarks>
/// <para>Which turn answers: among the turns for the request's model (or for any model) that are not
/// used up, the first whose <see cref="ScriptedTurn.WhenContains"/> is in the last user or tool message;
/// else the first whose text is in any message of the conversation; else the first without
/// <see cref="ScriptedTurn.WhenContains"/>. With none, the <see cref="WeakModel"/> answers when there is one,
/// else the answer is <see cref="NoAnswerText"/>.</para>
/// <para>The server reads both lists under a lock on the list; while it runs, add with
/// <see cref="AddTurn"/> and <see cref="AddModel"/> (or lock the list yourself).</para>
/// </remarks>
public sealed class FakeModelScript
{
    /// <summary>The answer when no turn matches, plain so that a test shows it.</summary>
    public const string NoAnswerText = "I have no scripted answer for this.";

    /// <summary>The model a new script has.</summary>
    public const string DefaultModelName = "fake-model";

    /// <summary>Creates a script with one model, <c>fake-model</c> (tools capable), and no turns.</summary>
    public FakeModelScript()
    {
        Models = [new FakeModel(DefaultModelName)];
        Turns = [];
    }

    /// <summary>The "pulled" models.</summary>
    public List<FakeModel> Models { get; }

    /// <summary>The answers, in order of preference among equals.</summary>
    public List<ScriptedTurn> Turns { get; }

    /// <summary>
    /// When set, a weak model answers the requests no turn matches (turns still win); null leaves them the
    /// plain <see cref="NoAnswerText"/>. May be changed while the server runs: each request reads it once.
    /// </summary>
    public WeakModel? WeakModel { get; set; }

    /// <summary>Reads a YAML script (snake_case keys, see <c>example-script.yaml</c>); unknown keys are refused.</summary>
    /// <exception cref="FormatException">The file is not a valid script; the message names the file and line.</exception>
    public static FakeModelScript Load(string yamlPath) => FakeModelScriptReader.Read(File.ReadAllText(yamlPath), yamlPath);

    /// <summary>Reads a YAML script from text.</summary>
    /// <exception cref="FormatException">The text is not a valid script; the message names the line.</exception>
    public static FakeModelScript Parse(string yaml) => FakeModelScriptReader.Read(yaml, "script");

    /// <summary>Adds a turn, safely while the server runs.</summary>
    public FakeModelScript AddTurn(ScriptedTurn turn)
    {
        ArgumentNullException.ThrowIfNull(turn);
        lock (Turns)
        {
            Turns.Add(turn);
        }

        return this;
    }

    /// <summary>Adds a model, safely while the server runs.</summary>
    public FakeModelScript AddModel(FakeModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        lock (Models)
        {
            Models.Add(model);
        }

        return this;
    }

    /// <summary>The models as they are now.</summary>
    internal IReadOnlyList<FakeModel> ModelsNow()
    {
        lock (Models)
        {
            return [.. Models];
        }
    }

    /// <summary>The model a client means by <paramref name="name"/>, if the script has it.</summary>
    internal FakeModel? FindModel(string? name)
    {
        if (name is null)
        {
            return null;
        }

        lock (Models)
        {
            return Models.FirstOrDefault(m => ModelNames.Same(m.Name, name));
        }
    }
}
