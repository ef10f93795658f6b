using NServe.Core.Batching;
using NServe.Core.Errors;

namespace NServe.Core.Tests.Batching;

/// <summary>Which loaded versions get batched with which parameters (server flags, per-model files).</summary>
public sealed class BatchingServableFactoryTests : IDisposable
{
    private readonly DirectoryInfo _version = Directory.CreateTempSubdirectory("nserve-batching-");

    public void Dispose() => _version.Delete(recursive: true);

    [Fact]
    public void Without_per_model_parameters_every_version_is_batched_with_the_server_options()
    {
        var serverOptions = new BatchingOptions { NumBatchThreads = 1, MaxBatchSize = 16, MaxExecutionBatchSize = 16 };
        using var factory = new BatchingServableFactory(serverOptions, perModelParameters: false);

        using var servable = factory.Decorate(new RowFunctionServable(), _version.FullName);

        Assert.Same(serverOptions, Assert.IsType<BatchingServable>(servable).Options);
    }

    [Fact]
    public void With_per_model_parameters_a_version_without_the_file_is_not_batched()
    {
        using var factory = new BatchingServableFactory(new BatchingOptions { NumBatchThreads = 1 }, perModelParameters: true);
        var model = new RowFunctionServable();

        using var servable = factory.Decorate(model, _version.FullName);

        Assert.Same(model, servable);
    }

    [Fact]
    public async Task With_per_model_parameters_the_version_folder_file_sets_the_queue()
    {
        File.WriteAllText(Path.Combine(_version.FullName, "batching_params.pbtxt"), "max_batch_size { value: 4 }\nnum_batch_threads { value: 64 }\n");
        using var factory = new BatchingServableFactory(new BatchingOptions { NumBatchThreads = 1 }, perModelParameters: true);

        using var servable = factory.Decorate(new RowFunctionServable(), _version.FullName);

        var batching = Assert.IsType<BatchingServable>(servable);
        Assert.Equal(4, batching.Options.MaxBatchSize);
        // Threads belong to the shared scheduler, which only the server's options size.
        Assert.Equal(1, factory.Scheduler.NumBatchThreads);
        var input = RowFunctionServable.Input(5, 1, 0);
        var error = await Assert.ThrowsAsync<ServingException>(async () => await servable.RunAsync("serving_default", input, null, default));
        Assert.Equal("Task size 5 is larger than maximum input batch size 4", error.Message);
        BatchingServableTests.DisposeAll([input], []);
    }

    [Fact]
    public void A_bad_per_model_file_fails_the_load_and_releases_the_servable()
    {
        File.WriteAllText(Path.Combine(_version.FullName, "batching_params.pbtxt"), "max_batch_size { value: 4 } allowed_batch_sizes: 3");
        using var factory = new BatchingServableFactory(new BatchingOptions { NumBatchThreads = 1 }, perModelParameters: true);
        var model = new RowFunctionServable();

        var error = Assert.Throws<ServingException>(() => factory.Decorate(model, _version.FullName));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Equal("Last entry in allowed_batch_sizes must match max_batch_size; last entry was 3; expected 4", error.Message);
        Assert.True(model.Disposed);
    }

    [Fact]
    public void Bad_server_options_stop_the_server_at_start()
    {
        var error = Assert.Throws<ServingException>(
            () => new BatchingServableFactory(new BatchingOptions { NumBatchThreads = 1, MaxBatchSize = 0 }, perModelParameters: false));

        Assert.Equal("input_batch_size_limit must be positive; was 0", error.Message);
    }

    [Fact]
    public void No_parameters_file_means_defaults_on_the_model_server_pool()
    {
        var options = BatchingServableFactory.ReadServerOptions("");

        Assert.Equal("model_server_batch_threads", options.ThreadPoolName);
        Assert.Equal(1000, options.MaxBatchSize);
    }

    [Fact]
    public void The_parameters_file_is_read_when_given()
    {
        var file = Path.Combine(_version.FullName, "batch.config");
        File.WriteAllText(file, "max_batch_size { value: 32 } batch_timeout_micros { value: 1000 }");

        var options = BatchingServableFactory.ReadServerOptions(file);

        Assert.Equal((32L, 1000L, "batch_threads"), (options.MaxBatchSize, options.BatchTimeoutMicros, options.ThreadPoolName));
    }
}
