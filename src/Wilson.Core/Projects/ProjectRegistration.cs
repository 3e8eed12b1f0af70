namespace Wilson.Core.Projects;

/// <summary>What <c>wilson init</c> tells the store about a project.</summary>
public sealed record ProjectRegistration(string Name, string RootPath, string DefaultBranch, string DefaultPipeline);
