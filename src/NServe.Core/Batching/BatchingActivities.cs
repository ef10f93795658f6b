using System.Diagnostics;

namespace NServe.Core.Batching;

/// <summary>
/// The "nserve.queue" span: from the moment a request joins a batching queue until its batch starts. It
/// uses the same source name as the server's decode/run/encode spans, so one tracer setting records all.
/// </summary>
internal static class BatchingActivities
{
    private static readonly ActivitySource Source = new("NServe");

    public static Activity? StartQueue()
    {
        // The span ends on a batch worker's thread; keep it from becoming the request's current activity.
        var current = Activity.Current;
        var queue = Source.StartActivity("nserve.queue", ActivityKind.Internal);
        Activity.Current = current;
        return queue;
    }
}
