using Microsoft.Extensions.Logging.Abstractions;
using NServe.Core.Management;
using NServe.Core.Servables;
using NServe.Core.Sources;
using NServe.Onnx;

namespace NServe.Server.Tests.KServe;

/// <summary>
/// A real manager with the ONNX loader serving the repository's examples (half_plus_two, two_inputs), the
/// every-datatype identity model as version 3 of <c>identity</c>, labels stable → 1 and next → 2 (not loaded) on
/// half_plus_two, and <c>broken</c>, whose only version
/// folder holds no model and so fails to load.
/// </summary>
public sealed class KServeServingFixture : IAsyncLifetime
{
    private readonly string _temp = Path.Combine(Path.GetTempPath(), "nserve-kserve-" + Guid.NewGuid().ToString("N"));

    public ServableManager Manager { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Manager = new ServableManager([new OnnxLoader(OnnxRuntimeOptions.Default)], new ManagerOptions(), NullLogger<ServableManager>.Instance);
        var examples = Path.Combine(RepositoryRoot, "examples");
        Manager.SetAspiredVersions("half_plus_two", null, [new AspiredVersion(1, Path.Combine(examples, "half_plus_two", "1"))]);
        Manager.SetLabels("half_plus_two", new Dictionary<string, long> { ["stable"] = 1, ["next"] = 2 });
        Manager.SetAspiredVersions("two_inputs", null, [new AspiredVersion(1, Path.Combine(examples, "two_inputs", "1"))]);
        IdentityModels.Write(Path.Combine(_temp, "identity"), 3);
        Manager.SetAspiredVersions("identity", null, [new AspiredVersion(3, Path.Combine(_temp, "identity", "3"))]);
        Directory.CreateDirectory(Path.Combine(_temp, "broken", "1"));
        Manager.SetAspiredVersions("broken", null, [new AspiredVersion(1, Path.Combine(_temp, "broken", "1"))]);
        await Manager.WaitUntilIdleAsync(CancellationToken.None);
        Assert.Equal(ServableState.Available, Manager.GetVersionStatuses("identity")[0].State);
    }

    public async Task DisposeAsync()
    {
        await Manager.DisposeAsync();
        Directory.Delete(_temp, recursive: true);
    }

    public static string RepositoryRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NServe.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no NServe.slnx above {AppContext.BaseDirectory}");
    }
}
