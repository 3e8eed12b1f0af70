namespace Wilson.Testing.Models;

/// <summary>Picks the turn that answers a conversation and uses up <see cref="ScriptedTurn.Once"/> turns, atomically.</summary>
internal sealed class TurnSelector(FakeModelScript script)
{
    private readonly HashSet<ScriptedTurn> _used = new(ReferenceEqualityComparer.Instance);

    /// <summary>The answering turn, or null when none matches.</summary>
    public ScriptedTurn? Select(Conversation conversation)
    {
        lock (script.Turns)
        {
            var candidates = script.Turns
                .Where(t => !_used.Contains(t) && (t.Model is null || ModelNames.Same(t.Model, conversation.Model)))
                .ToList();
            var last = conversation.LastMessage;
            var chosen =
                candidates.FirstOrDefault(t => t.WhenContains is not null && Contains(last, t.WhenContains))
                ?? candidates.FirstOrDefault(t => t.WhenContains is not null && conversation.Messages.Any(m => Contains(m.Text, t.WhenContains)))
                ?? candidates.FirstOrDefault(t => t.WhenContains is null);
            if (chosen is { Once: true })
            {
                _used.Add(chosen);
            }

            return chosen;
        }
    }

    private static bool Contains(string text, string part) => text.Contains(part, StringComparison.OrdinalIgnoreCase);
}
