namespace NServe.TensorFlow.Tests.Checkpoint;

/// <summary>A fact that is skipped, with the reason shown, when the shared test data is absent.</summary>
internal sealed class TestDataFactAttribute : FactAttribute
{
    public TestDataFactAttribute()
    {
        if (CheckpointTestData.Root is null)
        {
            Skip = CheckpointTestData.SkipReason;
        }
    }
}
