using System.Diagnostics;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using NServe.Core.Errors;
using NServe.Core.Servables;
using Tensorflow.Serving;

namespace NServe.Core.Warmup;

/// <summary>
/// TF Serving's model warmup (saved_model_warmup_util.cc): replays the <see cref="PredictionLog"/> records of a
/// version's <c>assets.extra/tf_serving_warmup_requests</c> on the freshly loaded servable, each
/// <see cref="WarmupOptions.NumRequestIterations"/> times, before the version is served. No file: nothing to
/// do. A corrupt file, an unparsable record, a failing request or more than 1000 records fail the load.
/// </summary>
public sealed class WarmupReplayer(WarmupOptions options, ILogger<WarmupReplayer> logger)
{
    /// <summary>Warms <paramref name="servable"/> from the warmup file in <paramref name="versionPath"/>.</summary>
    /// <returns>What was done, or null when the version has no warmup file.</returns>
    /// <exception cref="ServingException">The warmup failed; the message says why and names the file.</exception>
    public async Task<WarmupSummary?> WarmUpAsync(IServable servable, string versionPath, CancellationToken cancellationToken)
    {
        var path = WarmupFile.PathIn(versionPath);
        if (!File.Exists(path))
        {
            logger.LogInformation("No warmup data file found at {Path}", path);
            return null;
        }

        return await ReplayAsync(servable, path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replays the warmup file at <paramref name="path"/> (which must exist) on <paramref name="servable"/>.</summary>
    /// <exception cref="ServingException">The replay failed; the message says why and names the file.</exception>
    public async Task<WarmupSummary> ReplayAsync(IServable servable, string path, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var iterations = options.Iterations;
        var records = 0;
        var skipped = 0;
        long requests = 0;
        using (var reader = TfRecordReader.Open(path))
        {
            while (ReadRecord(reader, path) is { } record)
            {
                var log = Parse(record, reader.RecordsRead, path);
                var ran = await ReplayRecordAsync(servable, log, iterations, reader.RecordsRead, path, cancellationToken).ConfigureAwait(false);
                requests += ran;
                skipped += ran == 0 ? 1 : 0;

                // TF counts after running, so the 1001st record runs before the load fails.
                if (++records > WarmupFile.MaxRecords)
                {
                    throw ServingException.InvalidArgument(
                        $"Number of warmup records exceeds the maximum ({WarmupFile.MaxRecords}) at {path}");
                }
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        logger.LogInformation(
            "Finished reading warmup data for model at {Path}. Number of warmup records read: {Records}. Elapsed time (microseconds): {Microseconds}. " +
            "Servable {Servable}: each record replayed {Iterations} times, {Requests} requests run, {Skipped} records skipped",
            path,
            records,
            (long)elapsed.TotalMicroseconds,
            servable.Id,
            iterations,
            requests,
            skipped);
        return new WarmupSummary(path, records, requests, skipped, elapsed);
    }

    private static byte[]? ReadRecord(TfRecordReader reader, string path)
    {
        try
        {
            return reader.TryReadNext(out var record) ? record : null;
        }
        catch (ServingException ex) when (ex.Code == StatusCode.DataLoss)
        {
            throw new ServingException(StatusCode.DataLoss, $"{ex.Message}. Please verify your warmup data is in TFRecord format.", ex);
        }
        catch (IOException ex)
        {
            throw new ServingException(StatusCode.DataLoss, $"Failed to read warmup data from {path}: {ex.Message}", ex);
        }
    }

    private static PredictionLog Parse(byte[] record, long number, string path)
    {
        try
        {
            return PredictionLog.Parser.ParseFrom(record);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidOperationException)
        {
            // Google.Protobuf throws InvalidOperationException for some malformed input (an end-group tag at the end).
            throw ServingException.InvalidArgument($"Failed to parse warmup record: record {number} ({ex.Message}) from {path}");
        }
    }

    /// <returns>Requests run: 0 when the record was skipped.</returns>
    private async Task<int> ReplayRecordAsync(IServable servable, PredictionLog log, int iterations, long number, string path, CancellationToken cancellationToken)
    {
        if (log.LogTypeCase is PredictionLog.LogTypeOneofCase.PredictStreamedLog or PredictionLog.LogTypeOneofCase.SessionRunLog)
        {
            throw ServingException.Unimplemented($"Unsupported log_type for warmup: {(int)log.LogTypeCase}");
        }

        try
        {
            switch (log.LogTypeCase)
            {
                case PredictionLog.LogTypeOneofCase.PredictLog:
                    await PredictLogReplay.RunAsync(servable, log.PredictLog.Request ?? new PredictRequest(), iterations, cancellationToken).ConfigureAwait(false);
                    return iterations;
                case PredictionLog.LogTypeOneofCase.ClassifyLog:
                    return await RunOrSkipAsync(options.Classify, servable, log.ClassifyLog.Request ?? new ClassificationRequest(), iterations, "classify", number, path, cancellationToken).ConfigureAwait(false);
                case PredictionLog.LogTypeOneofCase.RegressLog:
                    return await RunOrSkipAsync(options.Regress, servable, log.RegressLog.Request ?? new RegressionRequest(), iterations, "regress", number, path, cancellationToken).ConfigureAwait(false);
                case PredictionLog.LogTypeOneofCase.MultiInferenceLog:
                    return await RunOrSkipAsync(options.MultiInference, servable, log.MultiInferenceLog.Request ?? new MultiInferenceRequest(), iterations, "multi_inference", number, path, cancellationToken).ConfigureAwait(false);
                default:
                    return 0; // no log_type: TF Serving skips the record
            }
        }
        catch (ServingException ex)
        {
            throw new ServingException(ex.Code, $"Warmup request in record {number} of {path} failed: {ex.Message}", ex);
        }
    }

    private async Task<int> RunOrSkipAsync<TRequest>(
        Func<IServable, TRequest, CancellationToken, Task>? run,
        IServable servable,
        TRequest request,
        int iterations,
        string kind,
        long number,
        string path,
        CancellationToken cancellationToken)
    {
        if (run is null)
        {
            logger.LogWarning(
                "Skipping warmup record {Number} of {Path}: {Kind} requests are not supported by NServe yet",
                number,
                path,
                kind);
            return 0;
        }

        for (var i = 0; i < iterations; i++)
        {
            await run(servable, request, cancellationToken).ConfigureAwait(false);
        }

        return iterations;
    }
}
