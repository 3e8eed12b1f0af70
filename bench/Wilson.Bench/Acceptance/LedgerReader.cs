using Microsoft.Data.Sqlite;

namespace Wilson.Bench.Acceptance;

/// <summary>
/// Reads a project's model calls one by one from its SQLite store. The store's own API sums the ledger
/// (IWorkStore.GetUsageAsync: calls and tokens, no times); the report needs each call's time, so it reads
/// the table the ledger writes, read-only.
/// </summary>
internal static class LedgerReader
{
    public static async Task<IReadOnlyList<LedgerCall>> ReadAsync(string databasePath, long projectId, CancellationToken cancellationToken)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly };
        await using var connection = new SqliteConnection(builder.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT item_key, execution_id, model, input_tokens, output_tokens, first_token_ms, duration_ms, at, outcome
            FROM model_calls WHERE project_id = @project ORDER BY id
            """;
        command.Parameters.AddWithValue("@project", projectId);
        var calls = new List<LedgerCall>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            calls.Add(new LedgerCall(
                reader.IsDBNull(0) ? null : reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetInt64(1),
                reader.GetString(2),
                reader.GetInt64(3),
                reader.GetInt64(4),
                reader.IsDBNull(5) ? null : reader.GetInt64(5),
                reader.GetInt64(6),
                reader.GetInt64(7),
                reader.GetString(8)));
        }

        return calls;
    }
}
