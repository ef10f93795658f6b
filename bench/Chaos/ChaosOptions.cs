namespace NServe.Bench.Chaos;

/// <summary>What one chaos run does: how long, against which server build, where its scratch files go.</summary>
public sealed class ChaosOptions
{
    /// <summary>How long load and faults run.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The server build to start (<c>nserve.dll</c>, run with <c>dotnet</c>).</summary>
    public required string ServerDll { get; init; }

    /// <summary>The repository root (examples/ is copied from it; ../shared/testdata is looked up beside it).</summary>
    public required string RepositoryRoot { get; init; }

    /// <summary>Scratch folder for the model root and the config file; deleted afterwards unless kept.</summary>
    public string WorkFolder { get; init; } = Path.Combine(Path.GetTempPath(), "nserve-chaos-" + Guid.NewGuid().ToString("N")[..8]);

    public int RestWorkers { get; init; } = 4;

    public int GrpcWorkers { get; init; } = 4;

    /// <summary>Pause after each request of a worker (zero: back to back, the soak's full load).</summary>
    public TimeSpan WorkerPause { get; init; } = TimeSpan.Zero;

    /// <summary>Mean pause between two faults.</summary>
    public TimeSpan FaultInterval { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>When RSS growth is measured from (the end is the other point).</summary>
    public TimeSpan RssBaselineAt { get; init; } = TimeSpan.FromMinutes(1);

    public int Seed { get; init; } = Environment.TickCount;

    /// <summary>Where progress lines go (null: nowhere).</summary>
    public Action<string>? Log { get; init; }
}
