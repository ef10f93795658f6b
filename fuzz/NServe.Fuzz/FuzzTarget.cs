namespace NServe.Fuzz;

/// <summary>
/// One component under fuzzing: runs it on an input, treats the exceptions the component documents for bad
/// input as handled, and lets anything else escape so that SharpFuzz reports it to the fuzzer as a crash.
/// </summary>
internal abstract class FuzzTarget
{
    /// <summary>The name <c>fuzz/run.sh</c> selects this target by.</summary>
    public abstract string Name { get; }

    /// <summary>Runs one input. Returns true when the component accepted it, false when it rejected it as documented.</summary>
    public bool Run(byte[] input)
    {
        try
        {
            Execute(input);
            return true;
        }
        catch (Exception e) when (IsDocumentedRejection(e))
        {
            return false;
        }
    }

    /// <summary>
    /// Small valid inputs to start the corpus from, by file name: generated ones, plus tiny real files from
    /// <paramref name="testData"/> (the shared test data folder) when it is there. Real files are read, never kept.
    /// </summary>
    public abstract IEnumerable<KeyValuePair<string, byte[]>> Seeds(string? testData);

    protected abstract void Execute(byte[] input);

    /// <summary>The exception types the component documents for bad input.</summary>
    protected abstract bool IsDocumentedRejection(Exception e);
}
