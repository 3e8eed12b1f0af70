namespace Wilson.Core.Executions;

/// <summary>How an agent's run at a stage ended.</summary>
public enum ExecutionResult
{
    Pass,

    /// <summary>The work fails: the agent said so, verification failed, or a budget ran out.</summary>
    Fail,

    /// <summary>The agent needs a person: a question, or it was stuck.</summary>
    Blocked,

    /// <summary>Stopped from outside: cancelled by a person, or Wilson stopped while it ran.</summary>
    Cancelled,

    /// <summary>Its process died mid-run (killed, crashed, the machine went down): the lease sweep closed it.</summary>
    Abandoned,
}
