using Google.Protobuf;
using NServe.Core.Servables;
using NServe.Core.Tensors;
using NServe.Onnx;
using NServe.TensorFlow.Tests.Checkpoint;
using NServe.TensorFlow.Tests.Conversion;
using NServe.TensorFlow.Tests.SavedModel;
using Tensorflow;

namespace NServe.TensorFlow.Tests.Loading;

/// <summary>
/// Weights that several signatures of one SavedModel read are held once for the version (one ORT value given
/// to every session) and the answers stay what each signature computes on its own.
/// </summary>
public class SharedWeightsTests
{
    private const int Width = 64;

    [RequiresOpsFact("ParseExample")]
    public async Task HalfPlusTwosVariablesAreHeldOnceForItsFiveSignatures()
    {
        using var servable = await TensorFlowLoaderTests.Load(SavedModelTestData.HalfPlusTwo);

        // a = a2 = 0.5, b = 2, c = c2 = 3: every signature reads two of them, and equal values are one weight.
        Assert.Equal((3, 12L), servable.SharedWeightTotals);
        Assert.Equal(new[] { 2.5f, 3f, 4.5f }, await Predict(servable, "serving_default", "x", [3, 1], [1f, 2f, 5f], "y"));
        Assert.Equal(new[] { 3.5f, 4f, 5.5f }, await Predict(servable, "regress_x2_to_y3", "inputs", [3, 1], [1f, 2f, 5f], "outputs"));
    }

    [Fact]
    public async Task AWeightTwoSignaturesMultiplyByIsSharedAndOneOrtWouldFoldIsNot()
    {
        using var dir = new TempDirectory();
        var weights = TestTensor.RandomFloat([Width, Width], seed: 1);
        var kernel = TestTensor.RandomFloat([Width, Width], seed: 2);
        WriteModel(dir.Path, weights, kernel);
        var x = TestTensor.RandomFloat([2, Width], seed: 3).Numbers.Select(v => (float)v).ToArray();

        using var servable = (TensorFlowServable)await new TensorFlowLoader(OnnxRuntimeOptions.Default)
            .LoadAsync(new ServableId("shared", 1), dir.Path, CancellationToken.None);

        // W is read by "first" and "second"; K only through Mul(K, 2), which ORT folds, so each session keeps its own.
        Assert.Equal((1, (long)Width * Width * sizeof(float)), servable.SharedWeightTotals);
        var w = ToFloats(weights);
        var doubled = ToFloats(kernel).Select(v => v * 2).ToArray();
        var h = MatMul(x, w);
        AssertClose(h, await Predict(servable, "first", "x", [2, Width], x, "h"));
        AssertClose(MatMul(h, doubled), await Predict(servable, "second", "x", [2, Width], x, "z"));
        AssertClose(MatMul(x, doubled), await Predict(servable, "third", "x", [2, Width], x, "u"));
    }

    private static void WriteModel(string directory, TestTensor weights, TestTensor kernel)
    {
        var graph = new TfGraphBuilder();
        graph.Placeholder("x", TensorDataType.Float, [-1, Width]);
        graph.Const("W", weights);
        graph.Const("K", kernel);
        graph.Const("two", TestTensor.Float([], 2f));
        graph.Op("MatMul", "h", ["x", "W"], Attr.T(DataType.DtFloat));
        graph.Op("Mul", "K2", ["K", "two"], Attr.T(DataType.DtFloat));
        graph.Op("MatMul", "z", ["h", "K2"], Attr.T(DataType.DtFloat));
        graph.Op("MatMul", "u", ["x", "K2"], Attr.T(DataType.DtFloat));

        var metaGraph = new MetaGraphDef { MetaInfoDef = new MetaGraphDef.Types.MetaInfoDef(), GraphDef = graph.ToGraphDef() };
        metaGraph.MetaInfoDef.Tags.Add("serve");
        metaGraph.SignatureDef["first"] = Signature("h");
        metaGraph.SignatureDef["second"] = Signature("z");
        metaGraph.SignatureDef["third"] = Signature("u");
        var model = new Tensorflow.SavedModel { SavedModelSchemaVersion = 1 };
        model.MetaGraphs.Add(metaGraph);
        File.WriteAllBytes(Path.Combine(directory, "saved_model.pb"), model.ToByteArray());
    }

    private static SignatureDef Signature(string output)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dim { Size = -1 });
        shape.Dim.Add(new TensorShapeProto.Types.Dim { Size = Width });
        var signature = new SignatureDef { MethodName = "tensorflow/serving/predict" };
        signature.Inputs["x"] = new TensorInfo { Name = "x:0", Dtype = DataType.DtFloat, TensorShape = shape };
        signature.Outputs[output] = new TensorInfo { Name = output + ":0", Dtype = DataType.DtFloat, TensorShape = shape };
        return signature;
    }

    private static float[] ToFloats(TestTensor tensor) => tensor.Numbers.Select(v => (float)v).ToArray();

    private static float[] MatMul(float[] a, float[] b)
    {
        var rows = a.Length / Width;
        var result = new float[rows * Width];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < Width; j++)
            {
                var sum = 0.0;
                for (var k = 0; k < Width; k++)
                {
                    sum += a[(i * Width) + k] * b[(k * Width) + j];
                }

                result[(i * Width) + j] = (float)sum;
            }
        }

        return result;
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-3 + (1e-4 * Math.Abs(expected[i])), $"[{i}]: {actual[i]} vs {expected[i]}");
        }
    }

    private static async Task<float[]> Predict(IServable servable, string signature, string input, long[] shape, float[] values, string output)
    {
        using var tensor = Tensor.FromValues(TensorDataType.Float, shape, values.AsSpan());
        var outputs = await servable.RunAsync(signature, new Dictionary<string, Tensor> { [input] = tensor }, null, CancellationToken.None);
        try
        {
            return outputs[output].AsSpan<float>().ToArray();
        }
        finally
        {
            foreach (var result in outputs.Values)
            {
                result.Dispose();
            }
        }
    }
}
