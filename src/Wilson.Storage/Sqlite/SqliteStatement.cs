using Microsoft.Data.Sqlite;
using SQLitePCL;
using Wilson.Storage.Sql;

namespace Wilson.Storage.Sqlite;

/// <summary>
/// One compiled statement on the writer connection, run through SQLite's own API (SQLitePCLRaw, the layer
/// Microsoft.Data.Sqlite stands on): parameters bound by position, the row read by position. On the hot
/// path (claim, transition, event) Microsoft.Data.Sqlite's per-execution work (a reader object, a
/// statement enumerator, every parameter looked up by name and its type inferred) cost more than SQLite
/// spent running the statement.
/// </summary>
/// <remarks>Used by one thread at a time (the write queue's), always bound, stepped and reset in full.</remarks>
internal sealed class SqliteStatement : IColumnReader, IDisposable
{
    private const int Row = raw.SQLITE_ROW;
    private const int Done = raw.SQLITE_DONE;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    private SqliteStatement(sqlite3 db, sqlite3_stmt statement)
    {
        _db = db;
        _statement = statement;
    }

    /// <summary>
    /// Compiles <paramref name="sql"/> (one statement) on <paramref name="connection"/>, which must be open.
    /// <paramref name="parameterNames"/> are its parameters in the order they are bound (1, 2, ...): a
    /// statement whose parameters are not exactly those, in that order, is refused here rather than
    /// bound wrongly later.
    /// </summary>
    public static SqliteStatement Prepare(SqliteConnection connection, string sql, params ReadOnlySpan<string> parameterNames)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        var rc = raw.sqlite3_prepare_v2(db, sql, out var statement, out var tail);
        SqliteException.ThrowExceptionForRC(rc, db);
        var prepared = new SqliteStatement(db, statement);
        try
        {
            if (!string.IsNullOrWhiteSpace(tail))
            {
                throw new ArgumentException($"one statement expected, more follow: {tail}", nameof(sql));
            }

            var count = raw.sqlite3_bind_parameter_count(statement);
            for (var i = 0; i < parameterNames.Length; i++)
            {
                if (raw.sqlite3_bind_parameter_index(statement, parameterNames[i]) != i + 1)
                {
                    throw new ArgumentException($"{parameterNames[i]} is not parameter {i + 1} of: {sql}", nameof(parameterNames));
                }
            }

            return count == parameterNames.Length
                ? prepared
                : throw new ArgumentException($"{count} parameters in the statement, {parameterNames.Length} named: {sql}", nameof(parameterNames));
        }
        catch
        {
            prepared.Dispose();
            throw;
        }
    }

    /// <summary>Binds parameter <paramref name="index"/> (1-based, in the order the SQL names them).</summary>
    public SqliteStatement Bind(int index, long value)
    {
        Check(raw.sqlite3_bind_int64(_statement, index, value));
        return this;
    }

    /// <inheritdoc cref="Bind(int, long)"/>
    public SqliteStatement Bind(int index, long? value) => value is { } number ? Bind(index, number) : BindNull(index);

    /// <inheritdoc cref="Bind(int, long)"/>
    public SqliteStatement Bind(int index, string? value)
    {
        if (value is null)
        {
            return BindNull(index);
        }

        Check(raw.sqlite3_bind_text(_statement, index, value));
        return this;
    }

    /// <summary>Runs a statement that returns no row; returns how many rows it changed.</summary>
    public int Execute()
    {
        try
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc is not Done and not Row)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }

            return raw.sqlite3_changes(_db);
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>
    /// Runs the statement and, if it returns a row, reads it with <paramref name="read"/> (columns by
    /// position); null if it returns none. Only the first row is read.
    /// </summary>
    public T? QueryFirst<T>(Func<IColumnReader, T> read)
        where T : class
    {
        try
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc != Row)
            {
                Check(rc);
                return null;
            }

            var row = read(this);
            StepToEnd();
            return row;
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>Runs the statement and returns the first column of its first row as a number.</summary>
    public long QueryInt64()
    {
        try
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc != Row)
            {
                Check(rc);
                throw new InvalidOperationException("the statement returned no row");
            }

            var value = GetInt64(0);
            StepToEnd();
            return value;
        }
        finally
        {
            Reset();
        }
    }

    public long GetInt64(int ordinal) => raw.sqlite3_column_int64(_statement, ordinal);

    public int GetInt32(int ordinal) => raw.sqlite3_column_int(_statement, ordinal);

    public string GetString(int ordinal) => raw.sqlite3_column_text(_statement, ordinal).utf8_to_string();

    public bool IsNull(int ordinal) => raw.sqlite3_column_type(_statement, ordinal) == raw.SQLITE_NULL;

    public void Dispose() => _statement.Dispose();

    private SqliteStatement BindNull(int index)
    {
        Check(raw.sqlite3_bind_null(_statement, index));
        return this;
    }

    // A statement with RETURNING has changed its rows only once stepped to the end.
    private void StepToEnd()
    {
        int rc;
        while ((rc = raw.sqlite3_step(_statement)) == Row)
        {
        }

        Check(rc);
    }

    private void Check(int rc)
    {
        if (rc is not raw.SQLITE_OK and not Done)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    private void Reset()
    {
        raw.sqlite3_reset(_statement);
        raw.sqlite3_clear_bindings(_statement);
    }
}
