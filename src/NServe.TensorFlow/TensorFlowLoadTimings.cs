namespace NServe.TensorFlow;

/// <summary>
/// Where a SavedModel's load time went: reading the SavedModel and opening its checkpoint, preparing the
/// signature graphs (pruning, inlining, reading variables), converting them to ONNX, and creating the ORT
/// sessions. For docs/performance.md, and to compare with creating sessions from converted files alone.
/// </summary>
public sealed record TensorFlowLoadTimings(TimeSpan Read, TimeSpan Prepare, TimeSpan Convert, TimeSpan Sessions)
{
    public TimeSpan Total => Read + Prepare + Convert + Sessions;
}
