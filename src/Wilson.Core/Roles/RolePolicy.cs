namespace Wilson.Core.Roles;

/// <summary>What one role may do: the tools it is offered, and the files of the worktree it may write (its territory).</summary>
/// <param name="Tools">The tools offered (names of <see cref="ToolNames"/>); any other call is refused, saying what the role may do.</param>
/// <param name="Writes">Globs of the worktree's files the writing tools may touch (<c>**/*</c>: any); empty for a role that writes nothing.</param>
public sealed record RolePolicy(IReadOnlyList<string> Tools, IReadOnlyList<string> Writes)
{
    /// <summary>True when the role may call <paramref name="tool"/>.</summary>
    public bool Allows(string tool) => Tools.Contains(tool, StringComparer.Ordinal);
}
