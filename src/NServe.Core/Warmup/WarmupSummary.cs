namespace NServe.Core.Warmup;

/// <summary>What one warmup did: records read from the file, requests run, records skipped, time taken.</summary>
public sealed record WarmupSummary(string FilePath, int RecordsRead, long RequestsRun, int RecordsSkipped, TimeSpan Elapsed);
