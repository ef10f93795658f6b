using System.Globalization;

namespace NServe.Bench.Load;

/// <summary>What to load and how hard: parsed from <c>--name=value</c> or <c>--name value</c> arguments.</summary>
internal sealed record LoadOptions
{
    public const string Usage = """
        usage: NServe.Bench.Load (--url=http://HOST:PORT | --target=HOST:PORT) --model=NAME [options]
          --url=URL            REST: POST URL/v1/models/NAME[/versions/N]:predict with the body file
          --target=HOST:PORT   gRPC: tensorflow.serving.PredictionService/Predict (plain HTTP/2)
          --model=NAME         model name (required)
          --version=N          model version (default: latest)
          --signature=NAME     signature name (default: serving_default)
          --body-file=PATH     REST JSON body ({"instances": ...} or {"inputs": ...}); for gRPC the same
                               JSON is turned into a PredictRequest of DT_FLOAT tensors (see below)
          --input=NAME         gRPC: input alias for bare instances/inputs (default: x)
          --float-val          gRPC: send float_val instead of tensor_content
          --raw-http           REST: plain sockets with the request bytes built once instead of HttpClient
                               (less client CPU on a machine shared with the server)
          --concurrency=N      requests in flight, one per worker, each waiting for its answer (default 32)
          --duration=SECONDS   measure for this long (default 10), or
          --requests=N         measure exactly N requests
          --warmup=SECONDS     run unmeasured first (default 2)
        gRPC conversion: "instances" of numbers or nested number arrays become one tensor (shape from the
        nesting) named --input; "instances" of objects become one tensor per key (rows stacked);
        "inputs" as an object gives one tensor per key, as a bare array one tensor named --input.
        """;

    public string? Url { get; init; }

    public string? Target { get; init; }

    public string Model { get; init; } = "";

    public long? Version { get; init; }

    public string Signature { get; init; } = "";

    public string? BodyFile { get; init; }

    public string InputName { get; init; } = "x";

    public bool FloatVal { get; init; }

    public bool RawHttp { get; init; }

    public int Concurrency { get; init; } = 32;

    public double DurationSeconds { get; init; } = 10;

    public long? Requests { get; init; }

    public double WarmupSeconds { get; init; } = 2;

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{arg}'");
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? arg[2..equals] : arg[2..];
            string Value()
            {
                if (equals > 0)
                {
                    return arg[(equals + 1)..];
                }

                if (i + 1 >= args.Length)
                {
                    throw new ArgumentException($"--{name} needs a value");
                }

                return args[++i];
            }

            options = name switch
            {
                "url" => options with { Url = Value().TrimEnd('/') },
                "target" => options with { Target = Value() },
                "model" => options with { Model = Value() },
                "version" => options with { Version = long.Parse(Value(), CultureInfo.InvariantCulture) },
                "signature" => options with { Signature = Value() },
                "body-file" => options with { BodyFile = Value() },
                "input" => options with { InputName = Value() },
                "float-val" => options with { FloatVal = true },
                "raw-http" => options with { RawHttp = true },
                "concurrency" => options with { Concurrency = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "duration" => options with { DurationSeconds = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "requests" => options with { Requests = long.Parse(Value(), CultureInfo.InvariantCulture) },
                "warmup" => options with { WarmupSeconds = double.Parse(Value(), CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"unknown flag --{name}"),
            };
        }

        if ((options.Url is null) == (options.Target is null))
        {
            throw new ArgumentException("give exactly one of --url (REST) and --target (gRPC)");
        }

        if (options.Model.Length == 0 || options.BodyFile is null)
        {
            throw new ArgumentException("--model and --body-file are required");
        }

        if (options.Concurrency < 1)
        {
            throw new ArgumentException("--concurrency must be at least 1");
        }

        return options;
    }
}
