using System.Text.RegularExpressions;

namespace Wilson.Core.Items;

/// <summary>
/// Guesses an item's complexity tier from its words and files, with no model and no I/O.
/// <list type="bullet">
/// <item>Complex: the text mentions a risky area (schema, migration, auth, security, encryption,
/// concurrency, payments, infrastructure, CI) or the item names four or more files.</item>
/// <item>Trivial: the text is about docs, a typo, a rename, a comment, formatting or a version bump,
/// names at most one file and mentions nothing risky.</item>
/// <item>Standard: everything else.</item>
/// </list>
/// Risk wins over triviality: "fix typo in auth migration" is complex.
/// </summary>
public static partial class ComplexityHeuristic
{
    public const int SeveralFiles = 4;

    public static TierAssessment Infer(NewWorkItem item) =>
        Infer(item.Title, item.Description, item.AcceptanceCriteria, item.Context.RelevantFiles);

    public static TierAssessment Infer(string title, string? description, IEnumerable<string> criteria, IReadOnlyCollection<string> files)
    {
        var text = string.Join('\n', new[] { title, description ?? "" }.Concat(criteria));
        if (ComplexWords().Match(text) is { Success: true } risky)
        {
            return new TierAssessment(ComplexityTier.Complex, $"mentions '{risky.Value.ToLowerInvariant()}'");
        }

        if (files.Count >= SeveralFiles)
        {
            return new TierAssessment(ComplexityTier.Complex, $"touches {files.Count} files");
        }

        if (TrivialWords().Match(text) is { Success: true } simple && files.Count <= 1)
        {
            return new TierAssessment(ComplexityTier.Trivial, $"mentions '{simple.Value.ToLowerInvariant()}'");
        }

        return new TierAssessment(ComplexityTier.Standard, "no sign of trivial or complex work");
    }

    [GeneratedRegex(@"\b(schemas?|migrations?|auth|authn|authz|authenticat\w*|authori[sz]\w*|oauth\w*|login|security|secure|permissions?|encrypt\w*|crypto\w*|passwords?|tokens?|concurren\w*|thread-safe|race conditions?|payments?|billing|infrastructure|deploy\w*|ci pipeline|kubernetes|terraform|database)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ComplexWords();

    [GeneratedRegex(@"\b(docs?|documentation|readme|typos?|spelling|rename|comments?|formatting|whitespace|changelog|bump version|version bump)\b", RegexOptions.IgnoreCase)]
    private static partial Regex TrivialWords();
}
