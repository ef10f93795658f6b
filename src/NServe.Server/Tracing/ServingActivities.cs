using System.Diagnostics;

namespace NServe.Server.Tracing;

/// <summary>
/// The spans NServe records inside a request: decode, run and encode (the batching queue adds its own).
/// With no tracer listening, starting one costs a null check.
/// </summary>
public static class ServingActivities
{
    public const string SourceName = "NServe";

    public static readonly ActivitySource Source = new(SourceName);

    public static Activity? Decode(string model) => Start("nserve.decode", model);

    public static Activity? Run(string model, long version, string signature)
    {
        var activity = Start("nserve.run", model);
        activity?.SetTag("nserve.model.version", version);
        activity?.SetTag("nserve.signature", signature);
        return activity;
    }

    public static Activity? Encode(string model) => Start("nserve.encode", model);

    private static Activity? Start(string name, string model)
    {
        var activity = Source.StartActivity(name, ActivityKind.Internal);
        activity?.SetTag("nserve.model", model);
        return activity;
    }
}
