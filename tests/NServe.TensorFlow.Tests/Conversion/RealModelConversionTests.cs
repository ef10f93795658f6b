using System.Text.Json;
using NServe.Core.Tensors;
using NServe.TensorFlow.Conversion;
using NServe.TensorFlow.SavedModel;
using NServe.TensorFlow.Tests.Checkpoint;

namespace NServe.TensorFlow.Tests.Conversion;

/// <summary>
/// Every golden request of ../shared/testdata/golden through the real SavedModel: read, prepare the signature,
/// convert, run on ORT, and compare with the golden answer (rtol 1e-3, atol 1e-4, as the goldens ask).
/// </summary>
public sealed class RealModelConversionTests
{
    public static TheoryData<string, string> Goldens()
    {
        var data = new TheoryData<string, string>();
        if (CheckpointTestData.Root is { } root && Directory.Exists(Path.Combine(root, "golden")))
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "golden"), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetFileName(Path.GetDirectoryName(file))!, Path.GetFileName(file));
            }
        }

        return data;
    }

    [TestDataTheory]
    [MemberData(nameof(Goldens))]
    public void ConvertedModelGivesTheGoldenAnswer(string model, string goldenFile)
    {
        using var golden = JsonDocument.Parse(File.ReadAllText(CheckpointTestData.Path("golden", model, goldenFile)));
        var root = golden.RootElement;
        var signature = root.GetProperty("signature").GetString()!;
        var tags = root.GetProperty("tags").ValueKind == JsonValueKind.Null
            ? new HashSet<string> { "serve" }
            : root.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToHashSet();
        using var bundle = SavedModelBundle.Load(CheckpointTestData.Path("savedmodels", model), tags);
        var prepared = bundle.Prepare(signature);

        var onnx = GraphConverter.Convert(prepared);

        var inputs = new Dictionary<string, TestTensor>();
        foreach (var feed in prepared.Feeds)
        {
            inputs[feed.TensorName] = ReadInput(root.GetProperty("inputs").GetProperty(feed.Alias), feed.DataType);
        }

        var fetches = prepared.Fetches.Select(f => f.TensorName).Distinct().ToArray();
        var outputs = OnnxTestRunner.Run(onnx, inputs, fetches);
        foreach (var fetch in prepared.Fetches)
        {
            var expected = ReadExpected(root.GetProperty("outputs").GetProperty(fetch.Alias));
            Converted.AssertClose(expected, outputs[fetch.TensorName], rtol: 1e-3, atol: 1e-4, what: $"{model}/{signature}/{fetch.Alias}", compareTypes: false);
        }
    }

    private static TestTensor ReadInput(JsonElement input, TensorDataType type)
    {
        var shape = input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        var values = input.GetProperty("values").EnumerateArray().ToArray();
        return type switch
        {
            TensorDataType.String => TestTensor.Text(shape, values.Select(v => v.GetString()!).ToArray()),
            TensorDataType.Bool => TestTensor.Bool(shape, values.Select(v => v.ValueKind == JsonValueKind.True || (v.ValueKind == JsonValueKind.Number && v.GetDouble() != 0)).ToArray()),
            _ => new TestTensor(type, shape, values.Select(v => v.GetDouble()).ToArray()),
        };
    }

    private static TestTensor ReadExpected(JsonElement output)
    {
        var shape = output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        var values = output.GetProperty("values").EnumerateArray().ToArray();
        return output.GetProperty("dtype").GetString() == "string"
            ? TestTensor.Text(shape, values.Select(v => v.GetString()!).ToArray())
            : new TestTensor(TensorDataType.Float, shape, values.Select(v => v.ValueKind switch
            {
                JsonValueKind.True => 1.0,
                JsonValueKind.False => 0.0,
                _ => v.GetDouble(),
            }).ToArray());
    }
}
