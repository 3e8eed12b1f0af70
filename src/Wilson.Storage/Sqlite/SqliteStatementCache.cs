using Microsoft.Data.Sqlite;

namespace Wilson.Storage.Sqlite;

/// <summary>
/// Prepared commands on the writer connection, kept for its lifetime with their parameters. Microsoft.Data.Sqlite
/// keeps a command's compiled statement while its text is unchanged, but every new command compiles again,
/// and for the claim that compile costs more than running it. Only the write queue uses the writer,
/// one write at a time, so the commands are never shared between threads.
/// </summary>
internal sealed class SqliteStatementCache(SqliteConnection writer) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    /// <summary>
    /// The command for <paramref name="sql"/> in <paramref name="transaction"/>, with one parameter per name
    /// in <paramref name="parameterNames"/>, in that order: the caller sets each one's value before running it.
    /// </summary>
    public SqliteCommand Get(string sql, SqliteTransaction transaction, params ReadOnlySpan<string> parameterNames)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = writer.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameterNames)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            _commands[sql] = command;
        }

        command.Transaction = transaction;
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }
}
