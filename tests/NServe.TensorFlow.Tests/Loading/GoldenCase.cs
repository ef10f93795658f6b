using System.Text.Json;
using NServe.Core.Tensors;
using NServe.TensorFlow.Tests.Checkpoint;

namespace NServe.TensorFlow.Tests.Loading;

/// <summary>
/// One file of ../shared/testdata/golden: a request to one signature of a public SavedModel and the answer
/// TensorFlow's kernels give (computed with TensorFlow.js on the same graph, variables frozen).
/// </summary>
internal sealed class GoldenCase
{
    private GoldenCase(string model, string signature, string tags, IReadOnlyDictionary<string, GoldenTensor> inputs, IReadOnlyDictionary<string, GoldenTensor> outputs)
    {
        Model = model;
        Signature = signature;
        Tags = tags;
        Inputs = inputs;
        Outputs = outputs;
    }

    public string Model { get; }

    public string Signature { get; }

    /// <summary>The <c>--saved_model_tags</c> value selecting the MetaGraph the answer came from.</summary>
    public string Tags { get; }

    public IReadOnlyDictionary<string, GoldenTensor> Inputs { get; }

    public IReadOnlyDictionary<string, GoldenTensor> Outputs { get; }

    /// <summary>Golden files as <c>model/file.json</c>, relative to the golden folder.</summary>
    public static IEnumerable<string> Files()
    {
        if (CheckpointTestData.Root is null)
        {
            return [];
        }

        var root = CheckpointTestData.Path("golden");
        return Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
    }

    public static GoldenCase Read(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(CheckpointTestData.Path(["golden", .. file.Split('/')])));
        var root = json.RootElement.Clone(); // outlives the document
        var tags = root.GetProperty("tags") is { ValueKind: JsonValueKind.Array } list
            ? string.Join(",", list.EnumerateArray().Select(t => t.GetString()))
            : "serve";
        return new GoldenCase(
            file.Split('/')[0],
            root.GetProperty("signature").GetString()!,
            tags,
            TensorsOf(root.GetProperty("inputs")),
            TensorsOf(root.GetProperty("outputs")));
    }

    private static Dictionary<string, GoldenTensor> TensorsOf(JsonElement map)
    {
        var tensors = new Dictionary<string, GoldenTensor>(StringComparer.Ordinal);
        foreach (var property in map.EnumerateObject())
        {
            var value = property.Value;
            var shape = value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var dtype = value.TryGetProperty("tf_dtype", out var tf) ? tf.GetString()! : value.GetProperty("dtype").GetString()!;
            var values = value.GetProperty("values").EnumerateArray().ToArray();
            tensors[property.Name] = new GoldenTensor(shape, dtype, values);
        }

        return tensors;
    }
}

/// <summary>A golden tensor: shape, dtype (TF's <c>DT_FLOAT</c> or numpy's <c>float32</c>) and flat values.</summary>
internal sealed record GoldenTensor(long[] Shape, string DataType, JsonElement[] Values)
{
    public Tensor ToTensor() => DataType switch
    {
        "DT_FLOAT" or "float32" => Tensor.FromValues(TensorDataType.Float, Shape, Values.Select(v => v.GetSingle()).ToArray().AsSpan()),
        "DT_DOUBLE" or "float64" => Tensor.FromValues(TensorDataType.Double, Shape, Values.Select(v => v.GetDouble()).ToArray().AsSpan()),
        "DT_INT32" or "int32" => Tensor.FromValues(TensorDataType.Int32, Shape, Values.Select(v => v.GetInt32()).ToArray().AsSpan()),
        "DT_INT64" or "int64" => Tensor.FromValues(TensorDataType.Int64, Shape, Values.Select(v => v.GetInt64()).ToArray().AsSpan()),
        "DT_UINT8" or "uint8" => Tensor.FromValues(TensorDataType.UInt8, Shape, Values.Select(v => v.GetByte()).ToArray().AsSpan()),
        "DT_STRING" or "string" => Tensor.FromStrings(Shape, [.. Values.Select(v => System.Text.Encoding.UTF8.GetBytes(v.GetString()!))]),
        _ => throw new NotSupportedException($"golden dtype {DataType}"),
    };

    /// <summary>The values as doubles, for numeric comparison with a tolerance.</summary>
    public double[] Numbers() => [.. Values.Select(v => v.ValueKind == JsonValueKind.True ? 1 : v.ValueKind == JsonValueKind.False ? 0 : v.GetDouble())];
}
