using Wilson.Testing.Modes;

// Wilson.Testing is an executable so that tests can run parts of Wilson in a separate process
// (and kill it): `claim-loop` is the crash-test worker, `watch-events` a subscriber in another process;
// `serve-models` (or just `--port N --script F`) runs the fake model server on its own.
return args.FirstOrDefault() switch
{
    "claim-loop" => await ClaimLoop.RunAsync(ModeArguments.Parse(args[1..])),
    "watch-events" => await WatchEvents.RunAsync(ModeArguments.Parse(args[1..])),
    "serve-models" => await ServeModels.RunAsync(ModeArguments.Parse(args[1..])),
    { } first when first.StartsWith("--", StringComparison.Ordinal) => await ServeModels.RunAsync(ModeArguments.Parse(args)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Wilson.Testing claim-loop|watch-events --db <sqlite:path | PostgreSQL connection string> [options]");
    Console.Error.WriteLine("       Wilson.Testing [serve-models] --port <port> [--script <script.yaml>] [--api-key <key>]");
    return 2;
}
