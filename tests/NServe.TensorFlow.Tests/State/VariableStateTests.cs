using NServe.Core.Errors;
using NServe.Core.Tensors;
using NServe.TensorFlow.State;
using Tensorflow;

namespace NServe.TensorFlow.Tests.State;

/// <summary>Updates follow TensorFlow's DenseUpdate kernels: element-wise, same shapes, integers wrapping, all or none.</summary>
public class VariableStateTests
{
    [Fact]
    public async Task IntegersWrapAroundAsTensorFlowsDo()
    {
        using var state = new VariableState();
        state.Declare("n", Proto(Tensor.FromValues(TensorDataType.Int32, [2], [int.MaxValue, 5])));
        using var update = Tensor.FromValues(TensorDataType.Int32, [2], [1, 7]);

        using (var turn = await state.EnterAsync(CancellationToken.None))
        {
            turn.Apply([(new VariableWrite("u", "n", VariableUpdateKind.Add), update)]);
            turn.Apply([(new VariableWrite("u", "n", VariableUpdateKind.Subtract), update), (new VariableWrite("u", "n", VariableUpdateKind.Subtract), update)]);
        }

        using var read = await state.EnterAsync(CancellationToken.None);
        Assert.Equal(new[] { int.MaxValue - 1, -2 }, read.ValueOf("n").AsSpan<int>().ToArray());
    }

    [Fact]
    public async Task OneBadUpdateAppliesNoneOfTheRun()
    {
        using var state = new VariableState();
        state.Declare("a", Proto(Tensor.FromValues(TensorDataType.Float, [], [1f])));
        state.Declare("b", Proto(Tensor.FromValues(TensorDataType.Float, [1], [1f])));
        using var scalar = Tensor.FromValues(TensorDataType.Float, [], [2f]);

        using var turn = await state.EnterAsync(CancellationToken.None);
        var error = Assert.Throws<ServingException>(() => turn.Apply(
        [
            (new VariableWrite("ua", "a", VariableUpdateKind.Assign), scalar),
            (new VariableWrite("ub", "b", VariableUpdateKind.Add), scalar),
        ]));

        Assert.Equal("Parameters and update must be the same size", error.Message);
        Assert.Equal(1f, turn.ValueOf("a").AsSpan<float>()[0]);
        Assert.Equal(1f, turn.ValueOf("b").AsSpan<float>()[0]);
    }

    [Fact]
    public async Task RunsTakeTurns()
    {
        using var state = new VariableState();
        var first = await state.EnterAsync(CancellationToken.None);
        var second = state.EnterAsync(CancellationToken.None).AsTask();

        await Task.Delay(50);
        Assert.False(second.IsCompleted);
        first.Dispose();
        (await second).Dispose();
    }

    private static TensorProto Proto(Tensor tensor)
    {
        using (tensor)
        {
            return TensorProtoConverter.ToProto(tensor);
        }
    }
}
