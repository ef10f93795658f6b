namespace NServe.Core.Batching;

/// <summary>
/// Task parts gathered to run as one call, in arrival order. A queue reuses its batch objects, so a batch
/// costs no allocation once the queue has warmed up.
/// </summary>
internal sealed class Batch
{
    public List<BatchTaskPart> Parts { get; } = [];

    /// <summary>Rows of all parts, including those of tasks cancelled since they joined.</summary>
    public long Size { get; private set; }

    /// <summary>When the first part joined (Stopwatch ticks); meaningful while the batch is not empty.</summary>
    public long StartTicks { get; private set; }

    public bool IsEmpty => Parts.Count == 0;

    public void Add(BatchTaskPart part, long nowTicks)
    {
        if (Parts.Count == 0)
        {
            StartTicks = nowTicks;
        }

        Parts.Add(part);
        Size += part.Rows;
    }

    public void Clear()
    {
        Parts.Clear();
        Size = 0;
    }
}
