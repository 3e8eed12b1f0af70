using Microsoft.Data.Sqlite;

namespace Wilson.Storage.Sqlite;

/// <summary>
/// The hot statements of the writer connection, compiled once and kept for its lifetime: every new
/// command compiles again, and for the claim that compile costs more than running it. Only the write
/// queue uses the writer, one write at a time, so the statements are never shared between threads.
/// </summary>
internal sealed class SqliteStatementCache(SqliteConnection writer) : IDisposable
{
    private readonly Dictionary<string, SqliteStatement> _statements = new(StringComparer.Ordinal);

    /// <summary>
    /// The statement for <paramref name="sql"/>, whose parameters are <paramref name="parameterNames"/> in
    /// that order (see <see cref="SqliteStatement.Prepare"/>); the caller binds, runs and so resets it.
    /// </summary>
    public SqliteStatement Get(string sql, params ReadOnlySpan<string> parameterNames)
    {
        if (!_statements.TryGetValue(sql, out var statement))
        {
            statement = SqliteStatement.Prepare(writer, sql, parameterNames);
            _statements[sql] = statement;
        }

        return statement;
    }

    public void Dispose()
    {
        foreach (var statement in _statements.Values)
        {
            statement.Dispose();
        }

        _statements.Clear();
    }
}
