namespace NServe.Server.Metrics;

/// <summary>One gauge value with its label values, read at scrape time.</summary>
public readonly record struct GaugeSample(LabelValues Labels, double Value);
