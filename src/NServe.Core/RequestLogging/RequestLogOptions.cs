namespace NServe.Core.RequestLogging;

/// <summary>When a request log file is closed and the next one started.</summary>
public sealed class RequestLogOptions
{
    /// <summary>
    /// Records per file. 1000 by default: TF Serving's warmup limit, so any log file can be dropped into
    /// <c>assets.extra/tf_serving_warmup_requests</c> as it is.
    /// </summary>
    public int MaxRecordsPerFile { get; init; } = 1000;

    /// <summary>Bytes per file before the next one starts (checked after each record).</summary>
    public long MaxBytesPerFile { get; init; } = 64L * 1024 * 1024;
}
