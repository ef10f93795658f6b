using Google.Protobuf;
using NServe.Core.Errors;
using NServe.Core.Tensors;
using Tensorflow;

namespace NServe.TensorFlow.HostKernels;

/// <summary>
/// TensorFlow's ParseExample / ParseExampleV2 for fixed-length (dense) features, run in C# before the ONNX
/// graph: serialized <c>tensorflow.Example</c> strings become one tensor per feature, shaped
/// <c>[batch, ...dense_shape]</c> (or <c>dense_shape</c> for a scalar input, as V2 allows). A missing feature
/// takes its default; one without a default is an error, as is a value of the wrong type or length, with
/// TensorFlow's wording.
/// </summary>
public sealed class ParseExampleKernel
{
    private readonly string _nodeName;

    /// <param name="nodeName">The ParseExample node this stands for (for messages).</param>
    /// <param name="dense">The dense features, in the op's <c>dense_keys</c> order (the order of its outputs).</param>
    public ParseExampleKernel(string nodeName, IReadOnlyList<DenseFeature> dense)
    {
        _nodeName = nodeName;
        Dense = dense;
        foreach (var feature in dense)
        {
            if (feature.DataType is not (TensorDataType.Float or TensorDataType.Int64 or TensorDataType.String))
            {
                throw new ArgumentException($"ParseExample node '{nodeName}': feature '{feature.Key}' has dtype {feature.DataType}; only float, int64 and string exist");
            }

            if (feature.Default is { } value && value.LongLength != feature.ElementCount)
            {
                throw new ArgumentException(
                    $"ParseExample node '{nodeName}': the default of feature '{feature.Key}' has {value.LongLength} values, its shape [{string.Join(",", feature.Shape)}] needs {feature.ElementCount}");
            }
        }
    }

    public IReadOnlyList<DenseFeature> Dense { get; }

    /// <summary>Parses every example of <paramref name="serialized"/> (a string scalar or vector). The caller owns the tensors returned.</summary>
    /// <exception cref="ServingException">InvalidArgument: a bad input, an unparsable example, or a missing, mistyped or wrongly sized feature.</exception>
    public Tensor[] Run(Tensor serialized)
    {
        if (!serialized.IsString)
        {
            throw ServingException.InvalidArgument(
                $"ParseExample ({_nodeName}) expects serialized tf.Example strings (DT_STRING), got {TensorDataTypes.TfName(serialized.DataType)}");
        }

        if (serialized.Rank > 1)
        {
            throw ServingException.InvalidArgument($"Expected serialized to be a scalar or vector, got shape: {serialized.ShapeString}");
        }

        var examples = serialized.Strings;
        var batched = serialized.Rank == 1;
        var outputs = new Tensor[Dense.Count];
        var strings = new byte[Dense.Count][][];
        try
        {
            for (var j = 0; j < Dense.Count; j++)
            {
                var feature = Dense[j];
                long[] shape = batched ? [examples.LongLength, .. feature.Shape] : (long[])feature.Shape.Clone();
                if (feature.DataType == TensorDataType.String)
                {
                    strings[j] = new byte[checked(examples.Length * (int)feature.ElementCount)][];
                }
                else
                {
                    outputs[j] = Tensor.Allocate(feature.DataType, shape);
                }
            }

            for (var i = 0; i < examples.Length; i++)
            {
                var example = ParseOne(examples[i], i);
                for (var j = 0; j < Dense.Count; j++)
                {
                    Fill(Dense[j], example, i, outputs[j], strings[j]);
                }
            }

            for (var j = 0; j < Dense.Count; j++)
            {
                if (strings[j] is { } values)
                {
                    long[] shape = batched ? [examples.LongLength, .. Dense[j].Shape] : (long[])Dense[j].Shape.Clone();
                    outputs[j] = Tensor.FromStrings(shape, values);
                }
            }

            return outputs;
        }
        catch
        {
            foreach (var output in outputs)
            {
                output?.Dispose();
            }

            throw;
        }
    }

    private static Example ParseOne(byte[] serialized, int index)
    {
        try
        {
            return Example.Parser.ParseFrom(serialized);
        }
        catch (InvalidProtocolBufferException)
        {
            throw ServingException.InvalidArgument($"Could not parse example input, value: '{Printable(serialized)}' (index {index})");
        }
    }

    private static void Fill(DenseFeature spec, Example example, int index, Tensor? output, byte[][]? strings)
    {
        var count = (int)spec.ElementCount;
        var offset = index * count;
        if (example.Features is not { } features || !features.Feature.TryGetValue(spec.Key, out var feature)
            || feature.KindCase == Feature.KindOneofCase.None)
        {
            if (spec.Default is null)
            {
                throw ServingException.InvalidArgument(
                    $"Name: <unknown>, Feature: {spec.Key} (data type: {spec.TypeName}) is required but could not be found.");
            }

            switch (spec.Default)
            {
                case float[] floats:
                    floats.CopyTo(output!.AsSpan<float>().Slice(offset, count));
                    break;
                case long[] longs:
                    longs.CopyTo(output!.AsSpan<long>().Slice(offset, count));
                    break;
                case byte[][] bytes:
                    Array.Copy(bytes, 0, strings!, offset, count);
                    break;
            }

            return;
        }

        var actual = feature.KindCase switch
        {
            Feature.KindOneofCase.FloatList => TensorDataType.Float,
            Feature.KindOneofCase.Int64List => TensorDataType.Int64,
            _ => TensorDataType.String,
        };
        if (actual != spec.DataType)
        {
            var actualName = actual switch { TensorDataType.Float => "float", TensorDataType.Int64 => "int64", _ => "string" };
            throw ServingException.InvalidArgument(
                $"Name: <unknown>, Feature: {spec.Key}.  Data types don't match. Data type: {actualName} but expected type: {spec.TypeName}");
        }

        var length = actual switch
        {
            TensorDataType.Float => feature.FloatList.Value.Count,
            TensorDataType.Int64 => feature.Int64List.Value.Count,
            _ => feature.BytesList.Value.Count,
        };
        if (length != count)
        {
            throw ServingException.InvalidArgument(
                $"Name: <unknown>, Key: {spec.Key}, Index: {index}.  Number of {spec.TypeName} values != expected.  " +
                $"Values size: {length} but output shape: [{string.Join(",", spec.Shape)}]");
        }

        switch (actual)
        {
            case TensorDataType.Float:
                CopyValues(feature.FloatList.Value, output!.AsSpan<float>().Slice(offset, count));
                break;
            case TensorDataType.Int64:
                CopyValues(feature.Int64List.Value, output!.AsSpan<long>().Slice(offset, count));
                break;
            default:
                for (var k = 0; k < count; k++)
                {
                    strings![offset + k] = feature.BytesList.Value[k].ToByteArray();
                }

                break;
        }
    }

    private static void CopyValues<T>(Google.Protobuf.Collections.RepeatedField<T> values, Span<T> target)
    {
        for (var k = 0; k < target.Length; k++)
        {
            target[k] = values[k];
        }
    }

    /// <summary>A short printable rendering of a bad input for the message (TF prints the raw value).</summary>
    private static string Printable(byte[] value)
    {
        var shown = value.AsSpan(0, Math.Min(value.Length, 64));
        var text = new System.Text.StringBuilder(shown.Length);
        foreach (var b in shown)
        {
            text.Append(b is >= 0x20 and < 0x7f ? (char)b : '?');
        }

        return value.Length > shown.Length ? text.Append("...").ToString() : text.ToString();
    }
}
