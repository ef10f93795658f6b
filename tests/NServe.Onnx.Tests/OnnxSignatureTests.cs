using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Onnx.Building;
using OnnxDataType = Onnx.TensorProto.Types.DataType;

namespace NServe.Onnx.Tests;

public sealed class OnnxSignatureTests
{
    [Fact]
    public void OutputsOfTypesNServeCannotHoldAreLeftOutOfTheSignature()
    {
        var model = new OnnxModelBuilder();
        model.Graph.AddInput("x", OnnxDataType.Float, [2]);
        model.Graph.AddNode("Identity", ["x"], ["same"]);
        model.Graph.AddNode("Cast", ["x"], ["brain"]).Attribute("to", (long)OnnxDataType.Bfloat16);
        model.Graph.AddOutput("same", OnnxDataType.Float, [2]);
        model.Graph.AddOutput("brain", OnnxDataType.Bfloat16, [2]);

        using var servable = OnnxServable.FromBytes(new("m", 1), model.Serialize(), OnnxRuntimeOptions.Default);
        Assert.Equal(["same"], servable.Signatures[Signature.DefaultKey].Outputs.Select(p => p.Key));
    }

    [Fact]
    public void AnInputNServeCannotFeedMakesTheModelUnservable()
    {
        var model = new OnnxModelBuilder();
        model.Graph.AddInput("x", OnnxDataType.Bfloat16, [2]);
        model.Graph.AddNode("Cast", ["x"], ["y"]).Attribute("to", (long)OnnxDataType.Float);
        model.Graph.AddOutput("y", OnnxDataType.Float, [2]);

        var error = Assert.Throws<ServingException>(() => OnnxServable.FromBytes(new("m", 1), model.Serialize(), OnnxRuntimeOptions.Default));
        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Contains("'x'", error.Message);
        Assert.Contains("BFloat16", error.Message);
    }

    [Fact]
    public void ThreadOptionsReachTheSession()
    {
        using var options = OnnxSessionFactory.CreateSessionOptions(new OnnxRuntimeOptions { IntraOpThreads = 2, InterOpThreads = 3 });
        Assert.Equal(2, options.IntraOpNumThreads);
        Assert.Equal(3, options.InterOpNumThreads);
        Assert.Equal(Microsoft.ML.OnnxRuntime.ExecutionMode.ORT_PARALLEL, options.ExecutionMode);
        Assert.Equal(Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_ALL, options.GraphOptimizationLevel);

        using var defaults = OnnxSessionFactory.CreateSessionOptions(OnnxRuntimeOptions.Default);
        Assert.Equal(0, defaults.IntraOpNumThreads);
        Assert.Equal(Microsoft.ML.OnnxRuntime.ExecutionMode.ORT_SEQUENTIAL, defaults.ExecutionMode);
    }
}
