using Wilson.Core.Projects;

namespace Wilson.Storage.Sql;

/// <summary>A row of <c>projects</c>.</summary>
internal sealed class ProjectRow
{
    public const string Columns = "id, name, root_path, default_branch, default_pipeline, paused, created_at";

    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string RootPath { get; set; } = "";
    public string DefaultBranch { get; set; } = "";
    public string DefaultPipeline { get; set; } = "";
    public bool Paused { get; set; }
    public long CreatedAt { get; set; }

    public Project ToProject() => new()
    {
        Id = Id,
        Name = Name,
        RootPath = RootPath,
        DefaultBranch = DefaultBranch,
        DefaultPipeline = DefaultPipeline,
        Paused = Paused,
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt),
    };
}
