namespace Wilson.Llm.Usage;

/// <summary>A call stopped before it was made, because it would pass a budget.</summary>
public sealed class BudgetExceededException : Exception
{
    public BudgetExceededException(string budget, string message)
        : base(message)
    {
        Budget = budget;
    }

    public BudgetExceededException()
        : this("", "a budget would be exceeded")
    {
    }

    public BudgetExceededException(string message)
        : this("", message)
    {
    }

    public BudgetExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
        Budget = "";
    }

    /// <summary>Which budget: <c>item_tokens</c>, <c>project_day_cost</c>, ... as wilson.yaml names it.</summary>
    public string Budget { get; }
}
