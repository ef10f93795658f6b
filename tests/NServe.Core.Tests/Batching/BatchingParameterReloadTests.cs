using NServe.Core.Batching;
using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Tensors;

namespace NServe.Core.Tests.Batching;

/// <summary>
/// An edited parameters file applies to the versions being served when the config is reloaded
/// (<see cref="BatchingServableFactory.ApplyChangedParameters"/>), with no request lost in the swap.
/// </summary>
public sealed class BatchingParameterReloadTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("nserve-batching-reload-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<ServingException?> RunRows(IServable servable, int rows)
    {
        var input = RowFunctionServable.Input(rows, 2, 0);
        try
        {
            var outputs = await servable.RunAsync(Signature.DefaultKey, input, null, default);
            Assert.Equal(rows, outputs["y"].Shape[0]);
            BatchingServableTests.DisposeAll([input], [outputs]);
            return null;
        }
        catch (ServingException e)
        {
            BatchingServableTests.DisposeAll([input], []);
            return e;
        }
    }

    [Fact]
    public async Task An_edited_server_file_applies_to_the_served_versions()
    {
        var file = Write("batch.config", "max_batch_size { value: 8 }\nnum_batch_threads { value: 1 }\n");
        using var factory = new BatchingServableFactory(BatchingServableFactory.ReadServerOptions(file), perModelParameters: false);
        using var servable = factory.Decorate(new RowFunctionServable(), _folder.FullName);
        Assert.Null(await RunRows(servable, 5));

        Write("batch.config", "max_batch_size { value: 4 }\nnum_batch_threads { value: 1 }\n");
        var (changed, errors) = factory.ApplyChangedParameters(file);

        Assert.Equal(1, changed);
        Assert.Empty(errors);
        Assert.Equal(4, ((BatchingServable)servable).Options.MaxBatchSize);
        Assert.Equal("Task size 5 is larger than maximum input batch size 4", (await RunRows(servable, 5))?.Message);
        Assert.Null(await RunRows(servable, 4));

        // The same file again changes nothing.
        Assert.Equal(0, factory.ApplyChangedParameters(file).Changed);
    }

    [Fact]
    public async Task A_per_model_file_edit_applies_and_a_bad_edit_keeps_the_options_in_force()
    {
        Write("batching_params.pbtxt", "max_batch_size { value: 4 }\n");
        using var factory = new BatchingServableFactory(new BatchingOptions { NumBatchThreads = 1 }, perModelParameters: true);
        using var servable = factory.Decorate(new RowFunctionServable(), _folder.FullName);

        Write("batching_params.pbtxt", "max_batch_size { value: 6 }\n");
        var applied = factory.ApplyChangedParameters("");
        Assert.Equal(1, applied.Changed);
        Assert.Empty(applied.Errors);
        Assert.Null(await RunRows(servable, 6));

        Write("batching_params.pbtxt", "max_batch_size { value: 4 } allowed_batch_sizes: 3");
        var (changed, errors) = factory.ApplyChangedParameters("");

        Assert.Equal(0, changed);
        Assert.Equal("{name: rows version: 1}: Last entry in allowed_batch_sizes must match max_batch_size; last entry was 3; expected 4", Assert.Single(errors));
        Assert.Equal(6, ((BatchingServable)servable).Options.MaxBatchSize);
        Assert.Null(await RunRows(servable, 6));
    }

    [Fact]
    public async Task Requests_running_through_repeated_swaps_all_get_their_own_rows()
    {
        using var factory = new BatchingServableFactory(new BatchingOptions { NumBatchThreads = 2 }, perModelParameters: true);
        Write("batching_params.pbtxt", "max_batch_size { value: 16 }\n");
        using var servable = factory.Decorate(new RowFunctionServable(), _folder.FullName);
        using var stop = new CancellationTokenSource();
        var failures = 0;
        var answered = 0;
        var callers = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            var rows = 1 + (c % 3);
            while (!stop.IsCancellationRequested)
            {
                var input = RowFunctionServable.Input(rows, 2, c * 100);
                try
                {
                    var outputs = await servable.RunAsync(Signature.DefaultKey, input, null, default);
                    RowFunctionServable.AssertOwnRows(input, outputs);
                    BatchingServableTests.DisposeAll([input], [outputs]);
                    Interlocked.Increment(ref answered);
                }
                catch (ServingException)
                {
                    Interlocked.Increment(ref failures);
                    BatchingServableTests.DisposeAll([input], []);
                }
            }
        })).ToArray();

        for (var swap = 0; swap < 40; swap++)
        {
            Write("batching_params.pbtxt", $"max_batch_size {{ value: {8 + (swap % 2 * 8)} }}\nbatch_timeout_micros {{ value: {swap % 3 * 100} }}\n");
            Assert.Equal(1, factory.ApplyChangedParameters("").Changed);
            await Task.Delay(5);
        }

        await stop.CancelAsync();
        await Task.WhenAll(callers);
        Assert.Equal(0, failures);
        Assert.True(answered > 40, $"only {answered} requests were answered");
    }
}
