namespace NServe.Core.Tests.Protos;

/// <summary>A theory over the shared TensorFlow test data; skipped with a clear reason when it is absent.</summary>
internal sealed class TestDataTheoryAttribute : TheoryAttribute
{
    public TestDataTheoryAttribute()
    {
        if (ProtoTestData.Root is null)
        {
            Skip = ProtoTestData.SkipReason;
        }
    }
}
