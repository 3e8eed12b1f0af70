namespace Wilson.Bench;

/// <summary>One line of the summary table; <see cref="Pass"/> is null for a figure that has no target.</summary>
internal sealed record ReportRow(string Database, string Measure, string Value, string Target = "", bool? Pass = null)
{
    public string Verdict => Pass switch
    {
        true => "PASS",
        false => "FAIL",
        null => "",
    };
}
