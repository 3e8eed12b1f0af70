using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Wilson.Testing;

/// <summary>
/// The PostgreSQL server shared by every test in the process. It is the server named by the
/// <c>WILSON_TEST_POSTGRES</c> connection string when set (as <c>.ci/run</c> does); otherwise a
/// throwaway cluster started on first use and stopped when the process exits.
/// </summary>
/// <remarks>
/// Tests that need PostgreSQL fail, never skip, when it is not installed. Databases made by
/// <see cref="CreateDatabaseAsync"/> are not dropped: they go with the throwaway cluster.
/// </remarks>
public sealed class PostgresServer
{
    /// <summary>The environment variable holding the admin connection string of a running server.</summary>
    public const string EnvironmentVariable = "WILSON_TEST_POSTGRES";

    private const string PostgresRoot = "/usr/lib/postgresql";
    private const string NotInstalledMessage =
        "PostgreSQL is not installed: run `apt-get install -y postgresql` (bash .ci/run does it)";

    private const int MaxDatabaseNameLength = 63;
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(60);
    private static readonly Lazy<Task<PostgresServer>> Shared =
        new(() => Task.Run(StartSharedAsync), LazyThreadSafetyMode.ExecutionAndPublication);

    // Held for the life of the process: its open stdin is what keeps a throwaway cluster alive.
    private readonly Process? _cleanupWatcher;

    private PostgresServer(string connectionString, Process? cleanupWatcher = null)
    {
        ConnectionString = connectionString;
        _cleanupWatcher = cleanupWatcher;
    }

    /// <summary>The admin connection string (superuser <c>postgres</c>, database <c>postgres</c>).</summary>
    public string ConnectionString { get; }

    /// <summary>
    /// Gets the process-wide server, starting a throwaway cluster on the first call if
    /// <c>WILSON_TEST_POSTGRES</c> is not set. A failed start is remembered: every later call
    /// fails with the same exception.
    /// </summary>
    /// <exception cref="InvalidOperationException">PostgreSQL is not installed or did not start.</exception>
    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>
    /// Creates an empty database with a unique name starting with <paramref name="prefix"/>
    /// (lower-cased, letters, digits and underscores kept) and returns its connection string.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string prefix, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(prefix);

        var suffix = "_" + Guid.NewGuid().ToString("N")[..12];
        var cleaned = new StringBuilder();
        foreach (var c in prefix.ToLowerInvariant())
        {
            if (cleaned.Length == MaxDatabaseNameLength - suffix.Length)
            {
                break;
            }

            cleaned.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        var name = (cleaned.Length > 0 ? cleaned.ToString() : "test") + suffix;

        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync(ct);
            // The name is made above from [a-z0-9_] only, so quoting it is enough.
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(ct);
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    private static async Task<PostgresServer> StartSharedAsync()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return new PostgresServer(fromEnvironment);
        }

        var binDirectory = FindBinDirectory();
        var directory = Directory.CreateTempSubdirectory("wilson-pg-").FullName;
        var dataDirectory = Path.Combine(directory, "data");
        var logFile = Path.Combine(directory, "log");
        var asRoot = Environment.IsPrivilegedProcess;
        var pgCtl = Path.Combine(binDirectory, "pg_ctl");

        // Started first so that the directory goes away whatever happens next.
        var cleanupWatcher = StartCleanupWatcher(asRoot, pgCtl, dataDirectory, directory);

        if (asRoot)
        {
            await RunAsync("chown", ["postgres", directory], directory);
        }

        await RunPostgresToolAsync(
            asRoot,
            Path.Combine(binDirectory, "initdb"),
            ["-D", dataDirectory, "-A", "trust", "-U", "postgres", "--encoding=UTF8", "--locale=C", "--no-sync"],
            directory);

        // A port free when chosen may be taken before the server binds it: retry a few times.
        for (var attempt = 1; ; attempt++)
        {
            var port = FindFreePort();
            try
            {
                await RunPostgresToolAsync(
                    asRoot,
                    pgCtl,
                    [
                        "-D", dataDirectory, "-w", "-t", "30", "-l", logFile, "start", "-o",
                        $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off " +
                        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
                    ],
                    directory);
                return new PostgresServer(
                    $"Host=127.0.0.1;Port={port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database=postgres",
                    cleanupWatcher);
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Most likely the port was taken in between: try another one.
            }
            catch (InvalidOperationException exception)
            {
                throw new InvalidOperationException($"{exception.Message}\nServer log:\n{ReadLog(logFile)}", exception);
            }
        }
    }

    private static string FindBinDirectory()
    {
        if (Directory.Exists(PostgresRoot))
        {
            var newest = Directory.GetDirectories(PostgresRoot)
                .Where(version => File.Exists(Path.Combine(version, "bin", "initdb")))
                .Select(version => (Directory: version, Major: int.TryParse(
                    Path.GetFileName(version), NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : 0))
                .OrderByDescending(version => version.Major)
                .Select(version => version.Directory)
                .FirstOrDefault();
            if (newest is not null)
            {
                return Path.Combine(newest, "bin");
            }
        }

        throw new InvalidOperationException(NotInstalledMessage);
    }

    private static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    // initdb and pg_ctl refuse to run as root.
    private static Task RunPostgresToolAsync(bool asRoot, string tool, IReadOnlyList<string> arguments, string workingDirectory) =>
        asRoot
            ? RunAsync("runuser", ["-u", "postgres", "--", tool, .. arguments], workingDirectory)
            : RunAsync(tool, arguments, workingDirectory);

    private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments, string workingDirectory)
    {
        using var process = Start(fileName, arguments, workingDirectory);
        using var timeout = new CancellationTokenSource(ProcessTimeout);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        string[] texts;
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            texts = await Task.WhenAll(error, output);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException(
                $"`{Describe(fileName, arguments)}` did not finish within {ProcessTimeout.TotalSeconds} s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"`{Describe(fileName, arguments)}` exited with code {process.ExitCode}:\n{string.Concat(texts)}");
        }
    }

    private static Process Start(string fileName, IReadOnlyList<string> arguments, string workingDirectory)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start `{fileName}`.");
        process.StandardInput.Close();
        return process;
    }

    // Stops the cluster and removes its directory once this process has exited, however it exits
    // (killed included): a detached shell waits for end-of-file on a pipe whose writing end only
    // this process holds. Detached, so that killing this process's tree leaves it running.
    private static Process StartCleanupWatcher(bool asRoot, string pgCtl, string dataDirectory, string directory)
    {
        const string Script =
            """
            exec 3<&0
            (
              cat <&3 >/dev/null
              if [ "$4" = root ]; then runuser -u postgres -- "$1" -D "$2" -m fast -w stop
              else "$1" -D "$2" -m fast -w stop
              fi
              rm -rf "$3"
            ) </dev/null >/dev/null 2>&1 &
            """;
        var startInfo = new ProcessStartInfo("sh")
        {
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        string[] arguments = ["-c", Script, "sh", pgCtl, dataDirectory, directory, asRoot ? "root" : "user"];
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start `sh`.");
    }

    private static string ReadLog(string logFile)
    {
        try
        {
            return File.Exists(logFile) ? File.ReadAllText(logFile) : "(no log)";
        }
        catch (IOException exception)
        {
            return $"(log unreadable: {exception.Message})";
        }
    }

    private static string Describe(string fileName, IReadOnlyList<string> arguments) =>
        string.Join(' ', [fileName, .. arguments]);
}
