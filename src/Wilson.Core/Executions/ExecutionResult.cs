namespace Wilson.Core.Executions;

/// <summary>How an agent ended its stage.</summary>
public enum ExecutionResult
{
    Pass,
    Fail,
    Blocked,
}
