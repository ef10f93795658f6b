namespace NServe.TensorFlow.Tests.Checkpoint;

/// <summary>A theory that is skipped, with the reason shown, when the shared test data is absent.</summary>
internal sealed class TestDataTheoryAttribute : TheoryAttribute
{
    public TestDataTheoryAttribute()
    {
        if (CheckpointTestData.Root is null)
        {
            Skip = CheckpointTestData.SkipReason;
        }
    }
}
