using System.Data.Common;
using Dapper;

namespace Wilson.Storage.Sql;

/// <summary>Dapper calls with the transaction and cancellation token always passed.</summary>
internal static class DbCommands
{
    static DbCommands() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    public static Task<int> ExecuteAsync(this DbConnection connection, string sql, object? args, DbTransaction? transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(sql, args, transaction, cancellationToken: cancellationToken));

    public static async Task<List<T>> QueryListAsync<T>(this DbConnection connection, string sql, object? args, DbTransaction? transaction, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<T>(new CommandDefinition(sql, args, transaction, cancellationToken: cancellationToken))).AsList();

    public static Task<T?> QuerySingleOrNullAsync<T>(this DbConnection connection, string sql, object? args, DbTransaction? transaction, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<T>(new CommandDefinition(sql, args, transaction, cancellationToken: cancellationToken));

    public static Task<T> QuerySingleValueAsync<T>(this DbConnection connection, string sql, object? args, DbTransaction? transaction, CancellationToken cancellationToken) =>
        connection.QuerySingleAsync<T>(new CommandDefinition(sql, args, transaction, cancellationToken: cancellationToken));

    public static Task<DbDataReader> ReadAsync(this DbConnection connection, string sql, object? args, DbTransaction? transaction, CancellationToken cancellationToken) =>
        connection.ExecuteReaderAsync(new CommandDefinition(sql, args, transaction, cancellationToken: cancellationToken));
}
