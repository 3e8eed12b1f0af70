namespace Wilson.Agents.Tests;

/// <summary>The environment test repositories use: an author for commits, and no repository above the temp directory.</summary>
internal static class TestGit
{
    public static Dictionary<string, string> Environment()
    {
        var variables = System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => e.Value as string ?? "", StringComparer.Ordinal);
        variables["GIT_AUTHOR_NAME"] = variables["GIT_COMMITTER_NAME"] = "Test";
        variables["GIT_AUTHOR_EMAIL"] = variables["GIT_COMMITTER_EMAIL"] = "test@localhost";
        variables["GIT_CEILING_DIRECTORIES"] = Path.GetTempPath().TrimEnd('/');
        return variables;
    }
}
