namespace NServe.Core.Tests.Protos;

/// <summary>A fact that needs the shared TensorFlow test data; skipped with a clear reason when it is absent.</summary>
internal sealed class TestDataFactAttribute : FactAttribute
{
    public TestDataFactAttribute()
    {
        if (ProtoTestData.Root is null)
        {
            Skip = ProtoTestData.SkipReason;
        }
    }
}
