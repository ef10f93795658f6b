namespace NServe.Storage.Tests.Infrastructure;

/// <summary>A test against a local S3 (moto_server); skipped with the reason when moto_server is not on PATH.</summary>
public sealed class MotoFactAttribute : FactAttribute
{
    public MotoFactAttribute()
    {
        if (ExternalServer.Find(MotoServer.Executable) is null)
        {
            Skip = "moto_server is not on PATH (pip install 'moto[server]'); the S3 tests need it";
        }
    }
}
