using Wilson.Testing;

namespace Wilson.Storage.Tests;

public sealed class PostgresWorkStoreTests : WorkStoreContractTests
{
    protected override Task<DatabaseLocation> CreateDatabaseAsync() => TestStores.NewPostgresAsync("contract", CancellationToken.None);
}
