using System.Buffers;
using System.Text;
using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Tensors;
using NServe.Server.Rest.Json;

namespace NServe.Server.Tests.Rest.Json;

/// <summary>Signatures, bodies and responses for the JSON codec tests.</summary>
internal static class JsonTestSupport
{
    public static Signature Signature(params (string Alias, TensorDataType Type)[] inputs) => new(
        Core.Servables.Signature.PredictMethod,
        inputs.Select(i => KeyValuePair.Create(i.Alias, new TensorSpec(i.Alias + ":0", i.Type, null))).ToList(),
        []);

    public static PredictRequestJson Read(string body, Signature signature) =>
        PredictRequestReader.Read(Encoding.UTF8.GetBytes(body), _ => signature);

    public static ServingException ReadError(string body, Signature signature) =>
        Assert.Throws<ServingException>(() => Read(body, signature).Dispose());

    public static string Write(PredictRequestFormat format, params (string Alias, Tensor Tensor)[] outputs)
    {
        var buffer = new ArrayBufferWriter<byte>();
        PredictResponseWriter.Write(buffer, format, outputs.Select(o => KeyValuePair.Create(o.Alias, o.Tensor)).ToList());
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static ServingException WriteError(PredictRequestFormat format, params (string Alias, Tensor Tensor)[] outputs) =>
        Assert.Throws<ServingException>(() => Write(format, outputs));

    public static Tensor Floats(long[] shape, params float[] values) => Tensor.FromValues<float>(TensorDataType.Float, shape, values);

    public static Tensor Ints(long[] shape, params int[] values) => Tensor.FromValues<int>(TensorDataType.Int32, shape, values);

    public static Tensor Strings(long[] shape, params string[] values) =>
        Tensor.FromStrings(shape, values.Select(v => Encoding.UTF8.GetBytes(v)).ToArray());

    public static T[] Values<T>(Tensor tensor)
        where T : struct => tensor.AsSpan<T>().ToArray();

    public static string[] Texts(Tensor tensor) => tensor.Strings.Select(s => Encoding.UTF8.GetString(s)).ToArray();
}
