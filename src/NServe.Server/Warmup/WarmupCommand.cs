using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Warmup;
using NServe.Onnx;

namespace NServe.Server.Warmup;

/// <summary>
/// <c>nserve warmup</c>: writes a version's <c>assets.extra/tf_serving_warmup_requests</c> from REST request
/// bodies, so no Python is needed to make one (TF Serving #1528). The model is loaded to decode the bodies
/// against its signatures, and the finished file is replayed on it once, so a file that is written works.
/// </summary>
public static class WarmupCommand
{
    /// <summary>Exit codes: 0 written, 1 a request or the model failed, 2 a usage error.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, IReadOnlyList<IServableLoader> loaders, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args.Any(a => a is "--help" or "-h" or "--helpfull"))
        {
            await output.WriteAsync(WarmupCommandLine.Usage).ConfigureAwait(false);
            return 0;
        }

        WarmupCommandLine line;
        try
        {
            line = WarmupCommandLine.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await error.WriteLineAsync($"nserve warmup: {ex.Message}").ConfigureAwait(false);
            await error.WriteAsync(WarmupCommandLine.Usage).ConfigureAwait(false);
            return 2;
        }

        try
        {
            var count = await WriteAsync(line, loaders, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"Wrote {count} warmup records to {line.Output}").ConfigureAwait(false);
            return 0;
        }
        catch (ServingException ex)
        {
            await error.WriteLineAsync($"nserve warmup: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (IOException ex)
        {
            await error.WriteLineAsync($"nserve warmup: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>The loaders <c>nserve warmup</c> uses when the caller gives none.</summary>
    public static IReadOnlyList<IServableLoader> DefaultLoaders() =>
        [new OnnxLoader(OnnxRuntimeOptions.Default), new NServe.TensorFlow.TensorFlowLoader(OnnxRuntimeOptions.Default)];

    private static async Task<int> WriteAsync(WarmupCommandLine line, IReadOnlyList<IServableLoader> loaders, CancellationToken cancellationToken)
    {
        var loader = loaders.FirstOrDefault(l => l.CanLoad(line.ModelDir))
            ?? throw ServingException.NotFound($"No servable model found in {line.ModelDir}: expected model.onnx or saved_model.pb");
        var version = long.TryParse(Path.GetFileName(line.ModelDir), out var number) ? number : 0;
        using var servable = await loader.LoadAsync(new ServableId(line.ModelName, version), line.ModelDir, cancellationToken).ConfigureAwait(false);

        var builder = new WarmupRequestBuilder(servable, line.ModelName, line.SignatureName);
        var records = new List<byte[]>(line.RequestFiles.Count);
        foreach (var file in line.RequestFiles)
        {
            var body = file == "-" ? await ReadStandardInputAsync(cancellationToken).ConfigureAwait(false) : await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
            try
            {
                records.Add(builder.Build(body).ToByteArray());
            }
            catch (ServingException ex)
            {
                throw new ServingException(ex.Code, $"{file}: {ex.Message}", ex);
            }
        }

        if (records.Count > WarmupFile.MaxRecords)
        {
            throw ServingException.InvalidArgument($"{records.Count} requests given; a warmup file holds at most {WarmupFile.MaxRecords}");
        }

        // Written beside the target, replayed once as the server will, then moved into place: a failed check
        // leaves no half-made file.
        var temporary = line.Output + ".tmp";
        await using (var writer = TfRecordWriter.Create(temporary))
        {
            foreach (var record in records)
            {
                await writer.WriteAsync(record, cancellationToken).ConfigureAwait(false);
            }
        }

        try
        {
            var examples = new NServe.Core.Inference.ExampleInference();
            var replayer = new WarmupReplayer(
                new WarmupOptions { Classify = examples.ClassifyAsync, Regress = examples.RegressAsync, MultiInference = examples.MultiInferenceAsync },
                NullLogger<WarmupReplayer>.Instance);
            await replayer.ReplayAsync(servable, temporary, cancellationToken).ConfigureAwait(false);
        }
        catch (ServingException ex)
        {
            File.Delete(temporary);
            throw new ServingException(
                ex.Code,
                $"the requests do not run on the model, nothing written (record N is the Nth request file): {ex.Message.Replace(temporary, line.Output, StringComparison.Ordinal)}",
                ex);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        File.Move(temporary, line.Output, overwrite: true);
        return records.Count;
    }

    private static async Task<byte[]> ReadStandardInputAsync(CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await using var input = Console.OpenStandardInput();
        await input.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }
}
