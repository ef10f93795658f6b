namespace NServe.Core.Batching;

/// <summary>Rows <see cref="Offset"/>..<see cref="Offset"/>+<see cref="Rows"/> of a task, placed in one batch.</summary>
internal readonly record struct BatchTaskPart(BatchTask Task, long Offset, long Rows)
{
    /// <summary>True when the part is the whole task (it was not split).</summary>
    public bool IsWholeTask => Offset == 0 && Rows == Task.Rows;
}
