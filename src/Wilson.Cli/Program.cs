using Wilson.Cli;

return await WilsonCli.RunAsync(args, CliEnvironment.FromProcess());
