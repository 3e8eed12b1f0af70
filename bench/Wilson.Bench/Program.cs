using System.Data.Common;
using System.Runtime;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Npgsql;
using Wilson.Bench;
using Wilson.Bench.Acceptance;
using Wilson.Storage;
using Wilson.Testing;

// A mode of its own: the figures and checks of an acceptance run (bench/acceptance/run.sh), read from its project.
if (args is ["acceptance-report", .. var reportArgs])
{
    return await AcceptanceReport.RunAsync(reportArgs, Console.Out, CancellationToken.None);
}

// A report, not a test: it prints every figure beside its target and exits 0 whatever the figures are.
var options = BenchOptions.Parse(args, out var usageError);
if (options is null)
{
    Console.Error.WriteLine(usageError);
    Console.Error.WriteLine(BenchOptions.Usage);
    Console.Error.WriteLine(AcceptanceOptions.Usage);
    return 2;
}

// Workers block inside SQLite (its busy handler sleeps): give the pool threads up front rather than
// let its slow thread injection show up in the figures.
ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
ThreadPool.SetMinThreads(Math.Max(minWorkers, options.Workers * 3), minIo);

var machine = await DescribeMachineAsync();
Console.WriteLine(machine);
Console.WriteLine($"items {options.Items}, workers {options.Workers}, batch {options.BatchSize}, events {options.Events}");

var report = new BenchReport();
using var directory = new TempDirectory("wilson-bench");
// The bare tables live apart: a Wilson store watching its directory for other processes' commits
// must not be charged for the raw run's writes, nor the raw run for its file-system events.
using var rawDirectory = new TempDirectory("wilson-bench-raw");
var cancellationToken = CancellationToken.None;

if (options.RunsSqlite)
{
    foreach (var durability in new[] { SqliteDurability.Normal, SqliteDurability.Full })
    {
        var synchronous = durability.ToString().ToUpperInvariant();
        await RunAsync($"SQLite {synchronous}", () => Task.FromResult(new DatabaseUnderTest
        {
            Name = $"SQLite {synchronous}",
            Location = TestStores.NewSqlite(directory.Path, durability),
            Durability = $"WAL, synchronous={synchronous}",
            CreateRawQueue = async ct => await SqliteRawQueue.CreateAsync(
                rawDirectory.Combine($"raw-{Guid.NewGuid():N}.db"), durability, ct),
            EnqueueTarget = durability == SqliteDurability.Normal ? 5_000 : null,
            MeasuresWakeup = durability == SqliteDurability.Normal,
        }));
    }
}

if (options.RunsPostgres)
{
    await RunAsync("PostgreSQL", async () =>
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("WILSON_BENCH_POSTGRES");
        var connectionString = string.IsNullOrWhiteSpace(fromEnvironment)
            ? await (await PostgresServer.GetAsync()).CreateDatabaseAsync("wilson_bench", cancellationToken)
            : fromEnvironment;
        return new DatabaseUnderTest
        {
            Name = "PostgreSQL",
            Location = DatabaseLocation.Postgres(connectionString),
            Durability = await DescribePostgresAsync(connectionString, string.IsNullOrWhiteSpace(fromEnvironment)),
            CreateRawQueue = async ct => await PostgresRawQueue.CreateAsync(connectionString, ct),
            MeasuresWakeup = true,
        };
    });
}

if (options.RunsModels)
{
    await ModelsBench.RunAsync(options, report, cancellationToken);
}

if (options.RunsCommands)
{
    await CommandsBench.RunAsync(report, cancellationToken);
}

if (options.RunsOrchestration)
{
    await OrchestrationBench.RunAsync("SQLite NORMAL", TestStores.NewSqlite(directory.Path), targeted: true, report, cancellationToken);
    var orchestrationPostgres = Environment.GetEnvironmentVariable("WILSON_BENCH_POSTGRES") is { Length: > 0 } given
        ? given
        : await (await PostgresServer.GetAsync()).CreateDatabaseAsync("wilson_bench_orchestration", cancellationToken);
    await OrchestrationBench.RunAsync("PostgreSQL", DatabaseLocation.Postgres(orchestrationPostgres), targeted: false, report, cancellationToken);
}

report.Print(Console.Out, machine);
return 0;

async Task RunAsync(string name, Func<Task<DatabaseUnderTest>> prepare)
{
    try
    {
        await DatabaseBench.RunAsync(await prepare(), options, report, cancellationToken);
    }
    catch (Exception ex) when (ex is InvalidOperationException or DbException or IOException or TimeoutException)
    {
        Console.WriteLine($"{name} failed: {ex}");
        report.Add(new ReportRow(name, "run", $"ERROR: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}", "completes", false));
    }
}

static async Task<string> DescribeMachineAsync()
{
    await using var connection = new SqliteConnection("Data Source=:memory:");
    await connection.OpenAsync();
    await using var command = connection.CreateCommand();
    command.CommandText = "SELECT sqlite_version()";
    var sqlite = await command.ExecuteScalarAsync();
    var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
    return $"machine: {Environment.ProcessorCount} cores, {memory:0.#} GiB, {RuntimeInformation.OSDescription}; " +
        $"{RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC; SQLite {sqlite}";
}

static async Task<string> DescribePostgresAsync(string connectionString, bool throwaway)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    var settings = new List<string>();
    foreach (var setting in new[] { "server_version", "fsync", "synchronous_commit", "full_page_writes" })
    {
        await using var command = new NpgsqlCommand($"SHOW {setting}", connection);
        var value = (string)(await command.ExecuteScalarAsync())!;
        settings.Add(setting == "server_version" ? $"PostgreSQL {value.Split(' ')[0]}" : $"{setting}={value}");
    }

    return string.Join(", ", settings) + (throwaway ? " (throwaway test cluster, not durable)" : "");
}
