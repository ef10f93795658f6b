using System.Collections.Concurrent;
using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Tensors;

namespace NServe.Core.Tests.Batching;

/// <summary>
/// A servable for batching tests computing, per row of float input <c>x</c> [rows, width]:
/// <c>y = 2x + sum(row)</c> and <c>rowsum = sum(row)</c>, so every output row shows which input row it
/// came from. It records every batch it runs (rows, width, a copy of the input), and can hold runs at a
/// gate so tests can line tasks up behind a running batch.
/// </summary>
internal sealed class RowFunctionServable : IServable
{
    private readonly SemaphoreSlim _started = new(0);

    public ServableId Id { get; } = new("rows", 1);

    public string Platform => "test";

    public IReadOnlyDictionary<string, Signature> Signatures { get; } = new Dictionary<string, Signature>
    {
        [Signature.DefaultKey] = new(
            Signature.PredictMethod,
            [new("x", new TensorSpec("x:0", TensorDataType.Float, [-1, -1]))],
            [
                new("y", new TensorSpec("y:0", TensorDataType.Float, [-1, -1])),
                new("rowsum", new TensorSpec("rowsum:0", TensorDataType.Float, [-1])),
            ]),
    };

    /// <summary>Every batch run, in order.</summary>
    public ConcurrentQueue<RecordedRun> Runs { get; } = new();

    /// <summary>When set, each run waits for it before computing.</summary>
    public ManualResetEventSlim? Gate { get; set; }

    /// <summary>When set, each run fails with it.</summary>
    public ServingException? Failure { get; set; }

    /// <summary>When true, outputs get one row fewer than the batch (a broken model).</summary>
    public bool DropLastRow { get; set; }

    public bool Disposed { get; private set; }

    /// <summary>Waits until a run has started (it is then past the queue, possibly held at the gate).</summary>
    public Task<bool> WaitForRunStartAsync() => _started.WaitAsync(TimeSpan.FromSeconds(10));

    public ValueTask<IReadOnlyDictionary<string, Tensor>> RunAsync(
        string signatureKey,
        IReadOnlyDictionary<string, Tensor> inputs,
        IReadOnlyCollection<string>? outputFilter,
        CancellationToken cancellationToken)
    {
        if (signatureKey != Signature.DefaultKey)
        {
            return ValueTask.FromException<IReadOnlyDictionary<string, Tensor>>(
                ServingException.FailedPrecondition($"Serving signature key \"{signatureKey}\" not found."));
        }

        var x = inputs["x"];
        var rows = (int)x.Shape[0];
        var width = (int)x.Shape[1];
        var values = x.AsSpan<float>().ToArray();
        Runs.Enqueue(new RecordedRun(rows, width, values, outputFilter?.ToArray()));
        _started.Release();
        Gate?.Wait(TimeSpan.FromSeconds(10));
        if (Failure is { } failure)
        {
            throw failure;
        }

        var outRows = DropLastRow ? rows - 1 : rows;
        var y = Tensor.Allocate(TensorDataType.Float, [outRows, width]);
        var sums = Tensor.Allocate(TensorDataType.Float, [outRows]);
        for (var r = 0; r < outRows; r++)
        {
            var row = values.AsSpan(r * width, width);
            var sum = 0f;
            foreach (var v in row)
            {
                sum += v;
            }

            sums.AsSpan<float>()[r] = sum;
            for (var c = 0; c < width; c++)
            {
                y.AsSpan<float>()[(r * width) + c] = (2 * row[c]) + sum;
            }
        }

        var outputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        if (outputFilter is null || outputFilter.Contains("y"))
        {
            outputs["y"] = y;
        }
        else
        {
            y.Dispose();
        }

        if (outputFilter is null || outputFilter.Contains("rowsum"))
        {
            outputs["rowsum"] = sums;
        }
        else
        {
            sums.Dispose();
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, Tensor>>(outputs);
    }

    public void Dispose() => Disposed = true;

    /// <summary>An input <c>x</c> of <paramref name="rows"/> rows whose values start at <paramref name="first"/> and count up.</summary>
    public static Dictionary<string, Tensor> Input(int rows, int width, float first)
    {
        var values = new float[rows * width];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = first + i;
        }

        return new Dictionary<string, Tensor> { ["x"] = Tensor.FromValues<float>(TensorDataType.Float, [rows, width], values) };
    }

    /// <summary>Asserts <paramref name="outputs"/> are exactly f(<paramref name="inputs"/>), row by row.</summary>
    public static void AssertOwnRows(IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyDictionary<string, Tensor> outputs)
    {
        var x = inputs["x"];
        var width = (int)x.Shape[1];
        var values = x.AsSpan<float>().ToArray();
        var y = outputs["y"];
        Assert.Equal(x.Shape, y.Shape);
        var sums = outputs["rowsum"];
        Assert.Equal([x.Shape[0]], sums.Shape);
        for (var r = 0; r < x.Shape[0]; r++)
        {
            var sum = 0f;
            for (var c = 0; c < width; c++)
            {
                sum += values[(r * width) + c];
            }

            Assert.Equal(sum, sums.AsSpan<float>()[r]);
            for (var c = 0; c < width; c++)
            {
                Assert.Equal((2 * values[(r * width) + c]) + sum, y.AsSpan<float>()[(r * width) + c]);
            }
        }
    }
}

/// <summary>One batch as the servable saw it.</summary>
internal sealed record RecordedRun(int Rows, int Width, float[] Input, string[]? OutputFilter);
