namespace Wilson.Core.Pipelines;

/// <summary>One stage of a pipeline.</summary>
/// <param name="Name">The stage's name, unique in its pipeline (a board column).</param>
/// <param name="Role">The agent role that works the stage; null for a gate or the final stage.</param>
/// <param name="OnFail">The earlier stage a failure sends the item back to; null to fail in place.</param>
/// <param name="Gate">Whether the stage waits for approval.</param>
/// <param name="Expect">What the tests must do at the end of the stage.</param>
/// <param name="Description">A line for people reading the board.</param>
/// <param name="Mechanical">True when a trivial item passes the stage by its mechanical checks alone, without a model.</param>
/// <param name="MaxFailures">Failures in a row after which the item waits for a person; null for the retry policy's (retries, then a stronger model).</param>
public sealed record PipelineStage(
    string Name,
    string? Role,
    string? OnFail = null,
    StageGate Gate = StageGate.None,
    StageExpectation Expect = StageExpectation.None,
    string? Description = null,
    bool Mechanical = false,
    int? MaxFailures = null);
