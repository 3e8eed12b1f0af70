namespace Wilson.Cli.Commands;

/// <summary>One line of <c>wilson doctor</c>: what was checked, what was found, and how to fix it.</summary>
internal sealed record DoctorCheck(string Name, string Result, string Detail, string? Fix = null, bool Required = true)
{
    public const string Ok = "ok";
    public const string Warning = "warn";
    public const string Failed = "fail";

    public static DoctorCheck Pass(string name, string detail) => new(name, Ok, detail);

    public static DoctorCheck Fail(string name, string detail, string fix, bool required = true) => new(name, Failed, detail, fix, required);

    public static DoctorCheck Warn(string name, string detail, string? fix = null) => new(name, Warning, detail, fix, Required: false);
}
