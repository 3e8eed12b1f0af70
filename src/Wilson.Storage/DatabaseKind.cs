namespace Wilson.Storage;

/// <summary>The databases Wilson can keep its state in.</summary>
public enum DatabaseKind
{
    Sqlite,
    Postgres,
}
