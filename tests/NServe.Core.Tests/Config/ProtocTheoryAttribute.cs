namespace NServe.Core.Tests.Config;

/// <summary>A theory compared against protoc; skipped with a clear reason when protoc is not available.</summary>
internal sealed class ProtocTheoryAttribute : TheoryAttribute
{
    public ProtocTheoryAttribute()
    {
        if (!ProtocReference.IsAvailable)
        {
            Skip = ProtocReference.SkipReason;
        }
    }
}
