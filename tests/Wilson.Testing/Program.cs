using Wilson.Testing.Modes;

// Wilson.Testing is an executable so that tests can run parts of Wilson in a separate process
// (and kill it): `claim-loop` is the crash-test worker, `watch-events` a subscriber in another process.
return args.FirstOrDefault() switch
{
    "claim-loop" => await ClaimLoop.RunAsync(ModeArguments.Parse(args[1..])),
    "watch-events" => await WatchEvents.RunAsync(ModeArguments.Parse(args[1..])),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Wilson.Testing claim-loop|watch-events --db <sqlite:path | PostgreSQL connection string> [options]");
    return 2;
}
