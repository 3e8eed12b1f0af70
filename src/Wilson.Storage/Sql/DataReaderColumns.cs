using System.Data.Common;

namespace Wilson.Storage.Sql;

/// <summary>An ADO.NET reader's current row as an <see cref="IColumnReader"/>.</summary>
internal sealed class DataReaderColumns(DbDataReader reader) : IColumnReader
{
    public long GetInt64(int ordinal) => reader.GetInt64(ordinal);

    public int GetInt32(int ordinal) => reader.GetInt32(ordinal);

    public string GetString(int ordinal) => reader.GetString(ordinal);

    public bool IsNull(int ordinal) => reader.IsDBNull(ordinal);
}
