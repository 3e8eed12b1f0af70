namespace Wilson.Core.Pipelines;

/// <summary>What the project's tests must do at the end of a stage, checked mechanically (TDD).</summary>
public enum StageExpectation
{
    None,

    /// <summary>Red: the new tests exist and fail.</summary>
    TestsFail,

    /// <summary>Green and refactor: the tests pass.</summary>
    TestsPass,
}
