namespace NServe.Storage.Tests.Infrastructure;

/// <summary>A test against a local Azure Blob service (Azurite); skipped with the reason when azurite-blob is not on PATH.</summary>
public sealed class AzuriteFactAttribute : FactAttribute
{
    public AzuriteFactAttribute()
    {
        if (ExternalServer.Find(AzuriteServer.Executable) is null)
        {
            Skip = "azurite-blob is not on PATH (npm install -g azurite); the Azure Blob tests need it";
        }
    }
}
