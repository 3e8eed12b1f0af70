namespace Wilson.Storage.Sql;

/// <summary>The current row of a result, read by column position.</summary>
internal interface IColumnReader
{
    long GetInt64(int ordinal);

    int GetInt32(int ordinal);

    string GetString(int ordinal);

    bool IsNull(int ordinal);
}
