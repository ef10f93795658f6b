namespace NServe.Onnx.Tests.Gpu;

public class GpuCudaProviderSettingsTests
{
    private const long SixteenGiB = 16L << 30;

    [Fact]
    public void Defaults_map_to_the_device_arena_strategy_and_exhaustive_search_without_a_memory_limit()
    {
        var options = CudaProviderSettings.Default.ToProviderOptions(2);

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["device_id"] = "2",
                ["arena_extend_strategy"] = "kSameAsRequested",
                ["cudnn_conv_algo_search"] = "EXHAUSTIVE",
            },
            options);
    }

    [Theory]
    [InlineData(CudnnConvAlgoSearch.Exhaustive, "EXHAUSTIVE")]
    [InlineData(CudnnConvAlgoSearch.Heuristic, "HEURISTIC")]
    [InlineData(CudnnConvAlgoSearch.Default, "DEFAULT")]
    public void Conv_algo_search_maps_to_ORTs_spelling(CudnnConvAlgoSearch search, string expected)
    {
        var options = new CudaProviderSettings { ConvAlgoSearch = search }.ToProviderOptions(0);
        Assert.Equal(expected, options["cudnn_conv_algo_search"]);
    }

    [Fact]
    public void A_memory_limit_becomes_gpu_mem_limit_in_bytes()
    {
        var options = new CudaProviderSettings { GpuMemLimitBytes = 8_589_934_592 }.ToProviderOptions(0);
        Assert.Equal("8589934592", options["gpu_mem_limit"]);
    }

    [Theory]
    [InlineData(0.0, 0L)]
    [InlineData(0.5, 8L << 30)]
    [InlineData(0.25, 4L << 30)]
    [InlineData(1.0, SixteenGiB)]
    public void Memory_fraction_is_a_share_of_the_devices_total_memory(double fraction, long expected)
    {
        Assert.Equal(expected, CudaProviderSettings.MemoryLimitFor(fraction, SixteenGiB));
    }

    [Fact]
    public void A_float_flag_value_rounds_down_to_whole_bytes()
    {
        // --per_process_gpu_memory_fraction is a float flag: 0.4f is slightly above 0.4.
        var limit = CudaProviderSettings.MemoryLimitFor(0.4f, 1000);
        Assert.Equal(400, limit);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Fractions_outside_zero_to_one_are_rejected(double fraction)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CudaProviderSettings.MemoryLimitFor(fraction, SixteenGiB));
    }

    [Theory]
    [InlineData("exhaustive", CudnnConvAlgoSearch.Exhaustive)]
    [InlineData("heuristic", CudnnConvAlgoSearch.Heuristic)]
    [InlineData("default", CudnnConvAlgoSearch.Default)]
    public void Search_flag_values_parse(string text, CudnnConvAlgoSearch expected)
    {
        Assert.True(CudaProviderSettings.TryParseConvAlgoSearch(text, out var search, out var error), error);
        Assert.Equal(expected, search);
    }

    [Theory]
    [InlineData("fast")]
    [InlineData("EXHAUSTIVE")]
    [InlineData("")]
    public void Unknown_search_values_are_errors_naming_the_choices(string text)
    {
        Assert.False(CudaProviderSettings.TryParseConvAlgoSearch(text, out _, out var error));
        Assert.Contains($"--cudnn_conv_algo_search={text} ", error, StringComparison.Ordinal);
        Assert.Contains("exhaustive, heuristic or default", error, StringComparison.Ordinal);
    }
}
