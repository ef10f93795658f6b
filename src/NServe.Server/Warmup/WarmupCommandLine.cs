namespace NServe.Server.Warmup;

/// <summary>
/// The arguments of <c>nserve warmup</c>: <c>--model_dir</c> (a version folder), optional
/// <c>--signature_name</c>, <c>--model_name</c>, <c>--output</c>, then one REST request body file per record.
/// Flags take <c>--flag=value</c> or <c>--flag value</c>, as the server's do.
/// </summary>
public sealed record WarmupCommandLine(string ModelDir, string? SignatureName, string ModelName, string Output, IReadOnlyList<string> RequestFiles)
{
    public const string Usage =
        "Usage: nserve warmup --model_dir=<version folder> [--signature_name=<key>] [--model_name=<name>] [--output=<file>] request.json [request.json ...]\n" +
        "Builds <version folder>/assets.extra/tf_serving_warmup_requests (or --output) from REST :predict, :classify and\n" +
        ":regress request bodies (a body with \"examples\" classifies or regresses as its signature does),\n" +
        "one PredictionLog record per file, in order, and replays the file on the model once to check it.\n" +
        "--signature_name applies to bodies that name no signature_name (default serving_default).\n" +
        "--model_name goes into each request's model_spec (default: the name of the version folder's parent).\n";

    /// <summary>Parses <paramref name="args"/> (without the leading <c>warmup</c>).</summary>
    /// <exception cref="ArgumentException">A usage error; the message says what is wrong.</exception>
    public static WarmupCommandLine Parse(IReadOnlyList<string> args)
    {
        string? modelDir = null;
        string? signature = null;
        string? modelName = null;
        string? output = null;
        var files = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-') || arg == "-")
            {
                files.Add(arg);
                continue;
            }

            var body = arg.TrimStart('-');
            var equals = body.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? body : body[..equals];
            string Value()
            {
                if (equals >= 0)
                {
                    return body[(equals + 1)..];
                }

                if (++i >= args.Count)
                {
                    throw new ArgumentException($"--{name} needs a value");
                }

                return args[i];
            }

            switch (name)
            {
                case "model_dir":
                    modelDir = Value();
                    break;
                case "signature_name":
                    signature = Value();
                    break;
                case "model_name":
                    modelName = Value();
                    break;
                case "output":
                    output = Value();
                    break;
                default:
                    throw new ArgumentException($"unknown flag --{name}");
            }
        }

        if (string.IsNullOrEmpty(modelDir))
        {
            throw new ArgumentException("--model_dir is required");
        }

        if (files.Count == 0)
        {
            throw new ArgumentException("no request files given");
        }

        var fullModelDir = Path.GetFullPath(modelDir);
        return new WarmupCommandLine(
            fullModelDir,
            string.IsNullOrEmpty(signature) ? null : signature,
            string.IsNullOrEmpty(modelName) ? Path.GetFileName(Path.GetDirectoryName(fullModelDir.TrimEnd('/')) ?? "") : modelName,
            string.IsNullOrEmpty(output) ? Core.Warmup.WarmupFile.PathIn(fullModelDir) : Path.GetFullPath(output),
            files);
    }
}
