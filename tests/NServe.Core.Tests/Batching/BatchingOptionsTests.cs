using NServe.Core.Batching;
using NServe.Core.Errors;
using NServe.Core.Tests.Protos;
using Tensorflow.Serving;

namespace NServe.Core.Tests.Batching;

/// <summary>BatchingParameters to options: TF's defaults for unset fields, and its checks and texts.</summary>
public sealed class BatchingOptionsTests
{
    [Fact]
    public void Unset_fields_take_the_shared_batch_scheduler_defaults()
    {
        var options = BatchingOptions.FromParameters(new BatchingParameters());

        Assert.Equal(1000, options.MaxBatchSize);
        Assert.Equal(0, options.BatchTimeoutMicros);
        Assert.Equal(10, options.MaxEnqueuedBatches);
        Assert.Equal(Environment.ProcessorCount, options.NumBatchThreads);
        Assert.Equal("batch_threads", options.ThreadPoolName);
        Assert.False(options.EnableLargeBatchSplitting);
        Assert.Equal(1000, options.MaxExecutionBatchSize);
        Assert.Empty(options.AllowedBatchSizes);
        Assert.False(options.PadVariableLengthInputs);
    }

    [TestDataFact]
    public void The_tf_serving_test_batching_config_parses()
    {
        var options = BatchingOptions.Load(ProtoTestData.Path("tfserving", "batching_config.txt"));

        Assert.Equal(128, options.MaxBatchSize);
        Assert.Equal(0, options.BatchTimeoutMicros);
        Assert.Equal(1_000_000, options.MaxEnqueuedBatches);
        Assert.Equal(8, options.NumBatchThreads);
        Assert.Equal(128, options.MaxExecutionBatchSize);
        Assert.False(options.EnableLargeBatchSplitting);
    }

    [Fact]
    public void Every_field_is_read_from_text_format()
    {
        var options = BatchingOptions.Parse("""
            max_batch_size { value: 64 }
            batch_timeout_micros { value: 2500 }
            max_enqueued_batches { value: 3 }
            num_batch_threads { value: 2 }
            thread_pool_name { value: "pool" }
            enable_large_batch_splitting { value: true }
            max_execution_batch_size { value: 16 }
            allowed_batch_sizes: 8
            allowed_batch_sizes: 16
            allowed_batch_sizes: 64
            pad_variable_length_inputs: true
            """);

        Assert.Equal(
            new BatchingOptions
            {
                MaxBatchSize = 64,
                BatchTimeoutMicros = 2500,
                MaxEnqueuedBatches = 3,
                NumBatchThreads = 2,
                ThreadPoolName = "pool",
                EnableLargeBatchSplitting = true,
                MaxExecutionBatchSize = 16,
                PadVariableLengthInputs = true,
                AllowedBatchSizes = options.AllowedBatchSizes,
            },
            options);
        Assert.Equal([8L, 16L, 64L], options.AllowedBatchSizes);
    }

    [Fact]
    public void With_splitting_an_unset_execution_size_takes_max_batch_size_as_written()
    {
        Assert.Equal(200, BatchingOptions.Parse("enable_large_batch_splitting { value: true } max_batch_size { value: 200 }").MaxExecutionBatchSize);
        // TF Serving copies max_batch_size().value() even when unset: 0.
        Assert.Equal(0, BatchingOptions.Parse("enable_large_batch_splitting { value: true }").MaxExecutionBatchSize);
    }

    [Fact]
    public async Task Splitting_with_no_sizes_set_turns_every_task_away_as_tf_serving_does()
    {
        var options = BatchingOptions.Parse("enable_large_batch_splitting { value: true } num_batch_threads { value: 1 }");
        using var harness = new BatchingHarness(options);
        var input = RowFunctionServable.Input(1, 1, 0);

        var error = await Assert.ThrowsAsync<ServingException>(() => harness.Run(input));

        Assert.Equal(StatusCode.Unavailable, error.Code);
        Assert.Contains("task size is 1 but scheduling capacity is only 0", error.Message, StringComparison.Ordinal);
        BatchingServableTests.DisposeAll([input], []);
    }

    [Fact]
    public void A_syntax_error_is_an_invalid_argument_naming_the_source()
    {
        var error = Assert.Throws<ServingException>(() => BatchingOptions.Parse("max_batch_size { value: x }", "batch.config"));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.StartsWith("Failed to parse BatchingParameters from batch.config: 1:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("allowed_batch_sizes: 8", "Last entry in allowed_batch_sizes must match max_batch_size; last entry was 8; expected 1000")]
    [InlineData("max_batch_size { value: 4 } allowed_batch_sizes: 2 allowed_batch_sizes: 8", "Last entry in allowed_batch_sizes must match max_batch_size; last entry was 8; expected 4")]
    [InlineData("max_batch_size { value: 0 }", "input_batch_size_limit must be positive; was 0")]
    [InlineData("batch_timeout_micros { value: -1 }", "batch_timeout_micros must be non-negative; was -1")]
    [InlineData("max_enqueued_batches { value: 0 } enable_large_batch_splitting { value: true } max_batch_size { value: 4 }", "max_enqueued_batches must be positive; was 0")]
    [InlineData(
        "enable_large_batch_splitting { value: true } max_batch_size { value: 4 } max_execution_batch_size { value: 8 }",
        "When enable_large_batch_splitting is true, input_batch_size_limit must be greater than or equal to max_execution_batch_size.148")]
    public void Bad_queue_options_fail_with_tf_texts(string text, string message)
    {
        var options = BatchingOptions.Parse(text);

        var error = Assert.Throws<ServingException>(options.ValidateQueueOptions);

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Zero_enqueued_batches_without_splitting_is_quietly_one()
    {
        var options = BatchingOptions.Parse("max_enqueued_batches { value: 0 }");

        options.ValidateQueueOptions();
    }

    [Fact]
    public void A_scheduler_needs_a_positive_thread_count()
    {
        var error = Assert.Throws<ServingException>(() => new BatchScheduler(BatchingOptions.Parse("num_batch_threads { value: 0 }")));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Equal("num_batch_threads must be positive; was 0", error.Message);
    }
}
