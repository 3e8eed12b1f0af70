using YamlDotNet.RepresentationModel;

namespace Wilson.Core.Configuration;

/// <summary>Reads the <c>planning</c> section strictly: every error names its key and line.</summary>
public static class PlanningConfigParser
{
    private const string Section = "planning";
    private static readonly string[] Keys = ["max_items", "nested_plans"];

    public static PlanningConfig Parse(StrictYamlReader reader, YamlMappingNode section)
    {
        reader.RequireKnownKeys(section, Section, Keys);
        var defaults = PlanningConfig.Default;
        return defaults with
        {
            MaxItems = reader.GetInt(section, Section, "max_items", 1, 1_000) ?? defaults.MaxItems,
            NestedPlans = reader.GetInt(section, Section, "nested_plans", 0, 5) ?? defaults.NestedPlans,
        };
    }
}
