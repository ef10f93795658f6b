using Microsoft.Extensions.Logging;
using NServe.Server.Hosting;
using NServe.Server.Options;
using NServe.Server.Tools;
using NServe.Server.Warmup;

// A subcommand, not a flag: TF Serving has no positional arguments, so "warmup" cannot clash with its command lines.
if (args.Length > 0 && args[0] == "warmup")
{
    return await WarmupCommand.RunAsync(args[1..], WarmupCommand.DefaultLoaders(), Console.Out, Console.Error, CancellationToken.None);
}

if (args.Length > 0 && args[0] == "inspect")
{
    return InspectCommand.Run(args[1..], Console.Out, Console.Error);
}

if (args.Length > 0 && args[0] == "convert")
{
    return ConvertCommand.Run(args[1..], Console.Out, Console.Error);
}

var parsed = ServerFlagParser.Parse(args);
if (parsed.HelpRequested)
{
    Console.Out.Write(HelpText.Render("nserve"));
    return 0;
}

if (parsed.VersionRequested)
{
    Console.Out.WriteLine(VersionText.Render());
    return 0;
}

if (parsed.Options.LogFormat is not ("plain" or "json"))
{
    Console.Error.WriteLine($"Couldn't interpret value {parsed.Options.LogFormat} for flag log_format: expected plain or json.");
    return 255;
}

using var loggerFactory = LoggerFactory.Create(logging =>
{
    logging.SetMinimumLevel(LogLevel.Information)
        .AddFilter("Microsoft", LogLevel.Warning)
        // Any level on here makes ASP.NET Core start an Activity and a log scope for every request (about a
        // tenth of the REST path's garbage); it only logs request start/finish, which TF Serving does not.
        .AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None)
        .AddFilter("Grpc", LogLevel.Warning);

    // Logs go to stderr, as TF Serving's do.
    logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
    if (parsed.Options.LogFormat == "json")
    {
        logging.AddJsonConsole(json =>
        {
            json.IncludeScopes = true;
            json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            json.UseUtcTimestamp = true;
        });
    }
    else
    {
        logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.IncludeScopes = true;
            console.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
        });
    }
});
var logger = loggerFactory.CreateLogger("NServe");

if (!parsed.Succeeded)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine(error);
    }

    Console.Error.WriteLine("Run 'nserve --help' for the list of flags.");
    return 255;
}

foreach (var warning in parsed.Warnings)
{
    logger.LogWarning("{Warning}", warning);
}

foreach (var flag in parsed.UnactedFlags)
{
    logger.LogWarning("{Warning}", FlagSupport.UnactedWarning(flag));
}

var validation = parsed.Options.Validate();
foreach (var warning in validation.Warnings)
{
    logger.LogWarning("{Warning}", warning);
}

if (!validation.IsValid)
{
    Console.Error.WriteLine($"Failed to start server. Error: INVALID_ARGUMENT: {validation.Errors[0]}");
    return 255;
}

using var stopping = new CancellationTokenSource();
return await ServerHost.RunAsync(parsed.Options, loggerFactory, stopping.Token);
