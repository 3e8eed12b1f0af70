namespace Wilson.Bench.Acceptance;

/// <summary>One invariant of an acceptance run: what must hold, whether it did, and the evidence when it did not.</summary>
internal sealed record AcceptanceCheck(string Name, bool Passed, string Detail = "")
{
    public override string ToString() => $"{(Passed ? "ok  " : "FAIL")} {Name}{(Detail.Length > 0 ? $": {Detail}" : "")}";
}
