using Wilson.Core.Executions;

namespace Wilson.Storage.Sql;

/// <summary>An executions row as Dapper reads it.</summary>
internal sealed class ExecutionRow
{
    public const string Columns = """
        id, project_id, item_key, stage, role, worker, model, fallback, started_at, ended_at, result, summary,
        handoff_in, handoff_out, verification_report, tokens_in, tokens_out, cost_micros
        """;

    public long Id { get; set; }

    public long ProjectId { get; set; }

    public string ItemKey { get; set; } = "";

    public string Stage { get; set; } = "";

    public string Role { get; set; } = "";

    public string Worker { get; set; } = "";

    public string? Model { get; set; }

    public bool Fallback { get; set; }

    public long StartedAt { get; set; }

    public long? EndedAt { get; set; }

    public string? Result { get; set; }

    public string Summary { get; set; } = "";

    public string HandoffIn { get; set; } = "{}";

    public string HandoffOut { get; set; } = "{}";

    public string? VerificationReport { get; set; }

    public long TokensIn { get; set; }

    public long TokensOut { get; set; }

    public long CostMicros { get; set; }

    public Execution ToExecution(IReadOnlyList<TranscriptStep> transcript) => new()
    {
        Id = Id,
        ProjectId = ProjectId,
        ItemKey = ItemKey,
        Stage = Stage,
        Role = Role,
        Worker = Worker,
        Model = Model,
        Fallback = Fallback,
        StartedAt = DateTimeOffset.FromUnixTimeMilliseconds(StartedAt),
        EndedAt = EndedAt is { } ended ? DateTimeOffset.FromUnixTimeMilliseconds(ended) : null,
        Result = Result is null ? null : Enum.Parse<ExecutionResult>(Result),
        Summary = Summary,
        HandoffIn = HandoffIn,
        HandoffOut = HandoffOut,
        VerificationReport = VerificationReport,
        TokensIn = TokensIn,
        TokensOut = TokensOut,
        Cost = CostMicros / 1_000_000m,
        Transcript = transcript,
    };
}

/// <summary>An execution_steps row as Dapper reads it.</summary>
internal sealed class TranscriptStepRow
{
    public int Number { get; set; }

    public string ModelOutput { get; set; } = "";

    public string ToolCalls { get; set; } = "[]";

    public string ToolResults { get; set; } = "[]";

    public long At { get; set; }

    public TranscriptStep ToStep() => new(Number, ModelOutput, ToolCalls, ToolResults, DateTimeOffset.FromUnixTimeMilliseconds(At));
}
