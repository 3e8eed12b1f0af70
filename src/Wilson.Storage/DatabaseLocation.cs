using Npgsql;

namespace Wilson.Storage;

/// <summary>Which database a store opens, and how.</summary>
public sealed record DatabaseLocation
{
    private DatabaseLocation(DatabaseKind kind, string connectionString, SqliteDurability durability)
    {
        Kind = kind;
        ConnectionString = connectionString;
        Durability = durability;
    }

    public DatabaseKind Kind { get; }

    /// <summary>For SQLite the database file's path; for PostgreSQL an Npgsql connection string.</summary>
    public string ConnectionString { get; }

    public SqliteDurability Durability { get; }

    public static DatabaseLocation Sqlite(string path, SqliteDurability durability = SqliteDurability.Normal) =>
        new(DatabaseKind.Sqlite, Path.GetFullPath(path), durability);

    public static DatabaseLocation Postgres(string connectionString)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"not a PostgreSQL connection string (expected Host=...;Username=...;Database=...): {ex.Message}", nameof(connectionString), ex);
        }

        return new DatabaseLocation(DatabaseKind.Postgres, connectionString, SqliteDurability.Normal);
    }

    /// <summary>
    /// The database named by <c>--db</c> or <c>WILSON_DATABASE</c> (<paramref name="configured"/>): a PostgreSQL
    /// connection string, or <c>sqlite:PATH</c>; when empty, the SQLite file at <paramref name="defaultSqlitePath"/>.
    /// </summary>
    public static DatabaseLocation Resolve(string? configured, string defaultSqlitePath)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return Sqlite(defaultSqlitePath);
        }

        return configured.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase)
            ? Sqlite(configured["sqlite:".Length..])
            : Postgres(configured);
    }

    /// <summary>Where the data lives, safe to print: a PostgreSQL password is never shown.</summary>
    public string Describe()
    {
        if (Kind == DatabaseKind.Sqlite)
        {
            return $"SQLite {ConnectionString}";
        }

        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
    }

    public override string ToString() => Describe();
}
