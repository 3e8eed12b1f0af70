using System.Data.Common;
using Wilson.Core.Events;
using Wilson.Core.Executions;
using Wilson.Core.Items;
using Wilson.Core.Usage;
using Wilson.Core.Workflow;

namespace Wilson.Storage.Sql;

/// <summary>Executions: opened, stepped and closed by the worker that runs the agent; each open and close is an event.</summary>
internal abstract partial class SqlWorkStore
{
    public Task<Execution> StartExecutionAsync(NewExecution execution, Actor actor, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var id = await connection.QuerySingleValueAsync<long>(
                """
                INSERT INTO executions (project_id, item_key, stage, role, worker, started_at, handoff_in)
                VALUES (@ProjectId, @ItemKey, @Stage, @Role, @Worker, @Now, @HandoffIn)
                RETURNING id
                """,
                new { execution.ProjectId, execution.ItemKey, execution.Stage, execution.Role, execution.Worker, Now, execution.HandoffIn },
                transaction, cancellationToken);
            await AppendAsync(connection, transaction, new NewEvent(execution.ProjectId, execution.ItemKey, EventTypes.ExecutionStarted, actor,
                StoreJson.Write(new { executionId = id, execution.Stage, execution.Role, execution.Worker })), cancellationToken);
            return (await ReadExecutionAsync(connection, transaction, id, withTranscript: false, cancellationToken))!;
        }, cancellationToken);

    public Task AppendTranscriptStepAsync(long executionId, TranscriptStep transcriptStep, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await RunningExecutionAsync(connection, transaction, executionId, cancellationToken);
            var exists = await connection.QuerySingleOrNullAsync<int?>(
                "SELECT 1 FROM execution_steps WHERE execution_id = @ExecutionId AND number = @Number",
                new { ExecutionId = executionId, transcriptStep.Number }, transaction, cancellationToken);
            if (exists is not null)
            {
                throw new InvalidOperationException($"execution {executionId} already has step {transcriptStep.Number}");
            }

            return await connection.ExecuteAsync(
                """
                INSERT INTO execution_steps (execution_id, number, model_output, tool_calls, tool_results, at)
                VALUES (@ExecutionId, @Number, @ModelOutput, @ToolCalls, @ToolResults, @At)
                """,
                new
                {
                    ExecutionId = executionId, transcriptStep.Number, transcriptStep.ModelOutput, ToolCalls = transcriptStep.ToolCallsJson, ToolResults = transcriptStep.ToolResultsJson,
                    At = transcriptStep.At.ToUnixTimeMilliseconds(),
                }, transaction, cancellationToken);
        }, cancellationToken);

    public Task<Execution> FinishExecutionAsync(long executionId, ExecutionEnd ending, Actor actor, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var running = await RunningExecutionAsync(connection, transaction, executionId, cancellationToken);
            await CloseExecutionAsync(connection, transaction, running, ending, actor, cancellationToken);
            return (await ReadExecutionAsync(connection, transaction, executionId, withTranscript: false, cancellationToken))!;
        }, cancellationToken);

    private async Task CloseExecutionAsync(
        DbConnection connection, DbTransaction transaction, ExecutionRow running, ExecutionEnd ending, Actor actor, CancellationToken cancellationToken)
    {
        var usage = await SumUsageAsync(connection, transaction, new UsageScope(ExecutionId: running.Id), cancellationToken);
        await connection.ExecuteAsync(
            """
            UPDATE executions SET ended_at = @Now, result = @Result, summary = @Summary, handoff_out = @HandoffOut,
                verification_report = @VerificationReport, model = COALESCE(@Model, model), fallback = @Fallback,
                tokens_in = @InputTokens, tokens_out = @OutputTokens, cost_micros = @CostMicros
            WHERE id = @Id
            """,
            new
            {
                Now, Result = ending.Result.ToString(), ending.Summary, ending.HandoffOut, ending.VerificationReport, ending.Model, ending.Fallback,
                usage.InputTokens, usage.OutputTokens, usage.CostMicros, running.Id,
            }, transaction, cancellationToken);
        await AppendAsync(connection, transaction, new NewEvent(running.ProjectId, running.ItemKey, EventTypes.ExecutionFinished, actor,
            StoreJson.Write(new
            {
                executionId = running.Id, running.Stage, running.Role, result = ending.Result, ending.Summary, ending.Model,
                tokensIn = usage.InputTokens, tokensOut = usage.OutputTokens,
            })), cancellationToken);
    }

    // A run whose worker's lease expired: its process died, and nobody else will ever close it.
    private async Task AbandonExecutionsAsync(DbConnection connection, DbTransaction transaction, WorkItem item, CancellationToken cancellationToken)
    {
        var open = await connection.QueryListAsync<ExecutionRow>(
            $"SELECT {ExecutionRow.Columns} FROM executions WHERE project_id = @ProjectId AND item_key = @ItemKey AND ended_at IS NULL ORDER BY id",
            new { item.ProjectId, ItemKey = item.Key }, transaction, cancellationToken);
        foreach (var execution in open)
        {
            var summary = $"abandoned: the lease of {execution.Worker} expired, so its process stopped (killed, crashed, or its machine went down) mid-run";
            await CloseExecutionAsync(connection, transaction, execution, new ExecutionEnd(ExecutionResult.Abandoned, summary), Actor.System, cancellationToken);
        }
    }

    public Task<Execution?> GetExecutionAsync(long executionId, CancellationToken cancellationToken) =>
        ReadAsync(connection => ReadExecutionAsync(connection, null, executionId, withTranscript: true, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<Execution>> ListExecutionsAsync(long projectId, string itemKey, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<Execution>>(async connection =>
        {
            var rows = await connection.QueryListAsync<ExecutionRow>(
                $"SELECT {ExecutionRow.Columns} FROM executions WHERE project_id = @ProjectId AND item_key = @ItemKey ORDER BY id",
                new { ProjectId = projectId, ItemKey = itemKey }, null, cancellationToken);
            return rows.Select(r => r.ToExecution([])).ToList();
        }, cancellationToken);

    public Task<IReadOnlyList<Execution>> ListOpenExecutionsAsync(long? projectId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<Execution>>(async connection =>
        {
            // ix_executions_open holds only the open ones, a handful whatever the history; the project is checked on those.
            var rows = await connection.QueryListAsync<ExecutionRow>(
                $"SELECT {ExecutionRow.Columns} FROM executions WHERE ended_at IS NULL AND (@ProjectId IS NULL OR project_id = @ProjectId) ORDER BY id",
                new { ProjectId = projectId }, null, cancellationToken);
            return rows.Select(r => r.ToExecution([])).ToList();
        }, cancellationToken);

    private static async Task<ExecutionRow> RunningExecutionAsync(DbConnection connection, DbTransaction transaction, long executionId, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrNullAsync<ExecutionRow>(
            $"SELECT {ExecutionRow.Columns} FROM executions WHERE id = @Id", new { Id = executionId }, transaction, cancellationToken)
            ?? throw new InvalidOperationException($"execution {executionId} does not exist");
        return row.EndedAt is null
            ? row
            : throw new InvalidOperationException($"execution {executionId} of {row.ItemKey} already ended ({row.Result}); it cannot change");
    }

    private static async Task<Execution?> ReadExecutionAsync(
        DbConnection connection, DbTransaction? transaction, long executionId, bool withTranscript, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrNullAsync<ExecutionRow>(
            $"SELECT {ExecutionRow.Columns} FROM executions WHERE id = @Id", new { Id = executionId }, transaction, cancellationToken);
        if (row is null)
        {
            return null;
        }

        var steps = withTranscript
            ? await connection.QueryListAsync<TranscriptStepRow>(
                "SELECT number, model_output, tool_calls, tool_results, at FROM execution_steps WHERE execution_id = @Id ORDER BY number",
                new { Id = executionId }, transaction, cancellationToken)
            : [];
        return row.ToExecution([.. steps.Select(s => s.ToStep())]);
    }
}
