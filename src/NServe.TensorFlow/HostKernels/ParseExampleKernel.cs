using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NServe.Core.Errors;
using NServe.Core.Tensors;

namespace NServe.TensorFlow.HostKernels;

/// <summary>
/// TensorFlow's ParseExample / ParseExampleV2 for fixed-length (dense) features, run in C# before the ONNX
/// graph: serialized <c>tensorflow.Example</c> strings become one tensor per feature, shaped
/// <c>[batch, ...dense_shape]</c> (or <c>dense_shape</c> for a scalar input, as V2 allows), read from the wire
/// format in place (no Example object per request). A missing feature
/// takes its default; one without a default is an error, as is a value of the wrong type or length, with
/// TensorFlow's wording.
/// </summary>
public sealed class ParseExampleKernel
{
    private readonly string _nodeName;
    private readonly byte[][] _keys;

    /// <param name="nodeName">The ParseExample node this stands for (for messages).</param>
    /// <param name="dense">The dense features, in the op's <c>dense_keys</c> order (the order of its outputs).</param>
    public ParseExampleKernel(string nodeName, IReadOnlyList<DenseFeature> dense)
    {
        _nodeName = nodeName;
        Dense = dense;
        _keys = dense.Select(f => System.Text.Encoding.UTF8.GetBytes(f.Key)).ToArray();
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

            Span<int> starts = Dense.Count <= 64 ? stackalloc int[Dense.Count] : new int[Dense.Count];
            Span<int> lengths = Dense.Count <= 64 ? stackalloc int[Dense.Count] : new int[Dense.Count];
            for (var i = 0; i < examples.Length; i++)
            {
                var serializedExample = examples[i];
                Locate(serializedExample, i, starts, lengths);
                for (var j = 0; j < Dense.Count; j++)
                {
                    var present = starts[j] >= 0;
                    var feature = present ? serializedExample.AsSpan(starts[j], lengths[j]) : default;
                    try
                    {
                        Fill(Dense[j], feature, present, i, outputs[j], strings[j]);
                    }
                    catch (FormatException)
                    {
                        throw ServingException.InvalidArgument($"Could not parse example input, value: '{Printable(serializedExample)}' (index {i})");
                    }
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

    /// <summary>
    /// Finds each dense feature's <c>Feature</c> message in one serialized Example: its offset and length in
    /// <paramref name="serialized"/>, or -1 when absent (or an empty Feature). A key given twice keeps its last
    /// value, as protobuf map parsing does.
    /// </summary>
    private void Locate(byte[] serialized, int index, Span<int> starts, Span<int> lengths)
    {
        starts.Fill(-1);
        try
        {
            var example = new ProtoWireReader(serialized);
            while (!example.End)
            {
                var (field, wireType) = example.ReadTag();
                if (field != 1 || wireType != ProtoWireReader.LengthDelimited)
                {
                    example.Skip(wireType);
                    continue;
                }

                var features = new ProtoWireReader(example.ReadLengthDelimited());
                while (!features.End)
                {
                    var (entryField, entryWire) = features.ReadTag();
                    if (entryField != 1 || entryWire != ProtoWireReader.LengthDelimited)
                    {
                        features.Skip(entryWire);
                        continue;
                    }

                    var entry = new ProtoWireReader(features.ReadLengthDelimited());
                    ReadOnlySpan<byte> key = default;
                    ReadOnlySpan<byte> value = default;
                    while (!entry.End)
                    {
                        var (part, partWire) = entry.ReadTag();
                        if (part == 1 && partWire == ProtoWireReader.LengthDelimited)
                        {
                            key = entry.ReadLengthDelimited();
                        }
                        else if (part == 2 && partWire == ProtoWireReader.LengthDelimited)
                        {
                            value = entry.ReadLengthDelimited();
                        }
                        else
                        {
                            entry.Skip(partWire);
                        }
                    }

                    var j = IndexOfKey(key);
                    if (j >= 0)
                    {
                        starts[j] = value.IsEmpty ? -1 : OffsetIn(serialized, value);
                        lengths[j] = value.Length;
                    }
                }
            }
        }
        catch (FormatException)
        {
            throw ServingException.InvalidArgument($"Could not parse example input, value: '{Printable(serialized)}' (index {index})");
        }
    }

    private int IndexOfKey(ReadOnlySpan<byte> key)
    {
        for (var j = 0; j < _keys.Length; j++)
        {
            if (key.SequenceEqual(_keys[j]))
            {
                return j;
            }
        }

        return -1;
    }

    private static int OffsetIn(byte[] whole, ReadOnlySpan<byte> part) =>
        (int)Unsafe.ByteOffset(ref MemoryMarshal.GetArrayDataReference(whole), ref MemoryMarshal.GetReference(part));

    private static void Fill(DenseFeature spec, ReadOnlySpan<byte> feature, bool present, int index, Tensor? output, byte[][]? strings)
    {
        var count = (int)spec.ElementCount;
        var offset = index * count;
        var kind = 0;
        ReadOnlySpan<byte> list = default;
        if (present)
        {
            // Feature is a oneof: bytes_list = 1, float_list = 2, int64_list = 3; the last one given counts.
            var reader = new ProtoWireReader(feature);
            while (!reader.End)
            {
                var (field, wireType) = reader.ReadTag();
                if (field is >= 1 and <= 3 && wireType == ProtoWireReader.LengthDelimited)
                {
                    kind = field;
                    list = reader.ReadLengthDelimited();
                }
                else
                {
                    reader.Skip(wireType);
                }
            }
        }

        if (kind == 0)
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

        var actual = kind switch { 2 => TensorDataType.Float, 3 => TensorDataType.Int64, _ => TensorDataType.String };
        if (actual != spec.DataType)
        {
            var actualName = kind switch { 2 => "float", 3 => "int64", _ => "string" };
            throw ServingException.InvalidArgument(
                $"Name: <unknown>, Feature: {spec.Key}.  Data types don't match. Data type: {actualName} but expected type: {spec.TypeName}");
        }

        var length = actual switch
        {
            TensorDataType.Float => ReadFloats(list, output!.AsSpan<float>().Slice(offset, count)),
            TensorDataType.Int64 => ReadInt64s(list, output!.AsSpan<long>().Slice(offset, count)),
            _ => ReadBytes(list, strings.AsSpan(offset, count)),
        };
        if (length != count)
        {
            throw ServingException.InvalidArgument(
                $"Name: <unknown>, Key: {spec.Key}, Index: {index}.  Number of {spec.TypeName} values != expected.  " +
                $"Values size: {length} but output shape: [{string.Join(",", spec.Shape)}]");
        }
    }

    // The list readers write at most target.Length values and return how many the list holds. Repeated numeric
    // fields may come packed (one length-delimited run) or one value per field, in any mix.
    private static int ReadFloats(ReadOnlySpan<byte> list, Span<float> target)
    {
        var reader = new ProtoWireReader(list);
        var n = 0;
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            if (field == 1 && wireType == ProtoWireReader.LengthDelimited)
            {
                var packed = reader.ReadLengthDelimited();
                if (packed.Length % 4 != 0)
                {
                    throw new FormatException("packed floats are not a multiple of 4 bytes");
                }

                for (var k = 0; k < packed.Length; k += 4, n++)
                {
                    if (n < target.Length)
                    {
                        target[n] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(packed[k..]);
                    }
                }
            }
            else if (field == 1 && wireType == ProtoWireReader.Fixed32)
            {
                var value = reader.ReadFloat();
                if (n < target.Length)
                {
                    target[n] = value;
                }

                n++;
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return n;
    }

    private static int ReadInt64s(ReadOnlySpan<byte> list, Span<long> target)
    {
        var reader = new ProtoWireReader(list);
        var n = 0;
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            if (field == 1 && wireType == ProtoWireReader.LengthDelimited)
            {
                var packed = new ProtoWireReader(reader.ReadLengthDelimited());
                while (!packed.End)
                {
                    var value = (long)packed.ReadVarint();
                    if (n < target.Length)
                    {
                        target[n] = value;
                    }

                    n++;
                }
            }
            else if (field == 1 && wireType == ProtoWireReader.Varint)
            {
                var value = (long)reader.ReadVarint();
                if (n < target.Length)
                {
                    target[n] = value;
                }

                n++;
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return n;
    }

    private static int ReadBytes(ReadOnlySpan<byte> list, Span<byte[]> target)
    {
        var reader = new ProtoWireReader(list);
        var n = 0;
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            if (field == 1 && wireType == ProtoWireReader.LengthDelimited)
            {
                var value = reader.ReadLengthDelimited();
                if (n < target.Length)
                {
                    target[n] = value.ToArray();
                }

                n++;
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return n;
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
