using Wilson.Testing;

namespace Wilson.Storage.Tests;

public sealed class SqliteWorkStoreTests : WorkStoreContractTests, IDisposable
{
    private readonly TempDirectory _directory = new("wilson-sqlite");

    protected override Task<DatabaseLocation> CreateDatabaseAsync() => Task.FromResult(TestStores.NewSqlite(_directory.Path));

    public void Dispose() => _directory.Dispose();
}
