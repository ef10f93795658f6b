using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace NServe.Onnx;

/// <summary>
/// Options of ORT's CUDA execution provider that NServe sets (from <c>--per_process_gpu_memory_fraction</c> and
/// <c>--cudnn_conv_algo_search</c>), as the provider-option strings <c>OrtCUDAProviderOptions</c> takes.
/// </summary>
public sealed record CudaProviderSettings
{
    /// <summary>
    /// The arena grows by what each allocation asks, not by doubling: with a memory limit, doubling would
    /// refuse an allocation that still fits, and it would hold memory no model uses.
    /// </summary>
    public const string ArenaExtendStrategy = "kSameAsRequested";

    public static CudaProviderSettings Default { get; } = new();

    /// <summary>
    /// The provider's <c>gpu_mem_limit</c> in bytes: the most its memory arena may hold. 0 leaves ORT's default
    /// (no limit). cuDNN workspaces and the CUDA context live outside the arena.
    /// </summary>
    public long GpuMemLimitBytes { get; init; }

    public CudnnConvAlgoSearch ConvAlgoSearch { get; init; } = CudnnConvAlgoSearch.Exhaustive;

    /// <summary>The provider options for CUDA device <paramref name="deviceId"/>.</summary>
    public Dictionary<string, string> ToProviderOptions(int deviceId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(deviceId);
        ArgumentOutOfRangeException.ThrowIfNegative(GpuMemLimitBytes);
        var options = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["device_id"] = deviceId.ToString(CultureInfo.InvariantCulture),
            ["arena_extend_strategy"] = ArenaExtendStrategy,
            ["cudnn_conv_algo_search"] = ConvAlgoSearch switch
            {
                CudnnConvAlgoSearch.Exhaustive => "EXHAUSTIVE",
                CudnnConvAlgoSearch.Heuristic => "HEURISTIC",
                CudnnConvAlgoSearch.Default => "DEFAULT",
                _ => throw new ArgumentOutOfRangeException(nameof(ConvAlgoSearch), ConvAlgoSearch, null),
            },
        };
        if (GpuMemLimitBytes > 0)
        {
            options["gpu_mem_limit"] = GpuMemLimitBytes.ToString(CultureInfo.InvariantCulture);
        }

        return options;
    }

    /// <summary>
    /// <c>--per_process_gpu_memory_fraction</c> of a device with <paramref name="totalMemoryBytes"/> as a
    /// <c>gpu_mem_limit</c>: 0 (TF's "let the runtime choose") is no limit; 1 is the whole device (ORT does not
    /// allocate it up front as TensorFlow does; the arena may just grow that far).
    /// </summary>
    public static long MemoryLimitFor(double fraction, long totalMemoryBytes)
    {
        if (!(fraction is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "A GPU memory fraction is between 0.0 and 1.0.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalMemoryBytes);
        return fraction == 0 ? 0 : Math.Max(1, (long)Math.Floor(fraction * totalMemoryBytes));
    }

    /// <summary>Parses <c>exhaustive</c>, <c>heuristic</c> or <c>default</c> (<c>--cudnn_conv_algo_search</c>).</summary>
    public static bool TryParseConvAlgoSearch(string text, out CudnnConvAlgoSearch search, [NotNullWhen(false)] out string? error)
    {
        error = null;
        switch (text)
        {
            case "exhaustive":
                search = CudnnConvAlgoSearch.Exhaustive;
                return true;
            case "heuristic":
                search = CudnnConvAlgoSearch.Heuristic;
                return true;
            case "default":
                search = CudnnConvAlgoSearch.Default;
                return true;
            default:
                search = CudnnConvAlgoSearch.Exhaustive;
                error = $"--cudnn_conv_algo_search={text} is not a search mode: expected exhaustive, heuristic or default.";
                return false;
        }
    }
}
