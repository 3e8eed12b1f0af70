namespace Wilson.Llm.Usage;

/// <summary>Whose work a model call is: the usage ledger and the budgets count by these.</summary>
public sealed record CallContext(string Purpose, long? ProjectId = null, string? ItemKey = null, long? ExecutionId = null);
