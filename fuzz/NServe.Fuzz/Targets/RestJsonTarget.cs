using System.Buffers;
using System.Text;
using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Tensors;
using NServe.Server.Rest.Json;

namespace NServe.Fuzz.Targets;

/// <summary>
/// The REST predict body codec: <see cref="PredictRequestReader.Read"/> on the input, then
/// <see cref="PredictResponseWriter.Write"/> on what it decoded, in the same format. The body's
/// <c>signature_name</c> picks one of a fixed set of signatures (one per dtype, a mixed one, the default), so
/// the fuzzer reaches every element decoder. Both document <see cref="ServingException"/> for bad input.
/// </summary>
internal sealed class RestJsonTarget : FuzzTarget
{
    private static readonly TensorDataType[] JsonTypes =
    [
        TensorDataType.Float, TensorDataType.Double, TensorDataType.Half, TensorDataType.Int8, TensorDataType.UInt8,
        TensorDataType.Int16, TensorDataType.UInt16, TensorDataType.Int32, TensorDataType.UInt32, TensorDataType.Int64,
        TensorDataType.UInt64, TensorDataType.Bool, TensorDataType.String,
    ];

    private readonly Dictionary<string, Signature> _signatures = BuildSignatures();

    public override string Name => "rest-json";

    protected override void Execute(byte[] input)
    {
        using var request = PredictRequestReader.Read(input, name => name is null
            ? _signatures["default"]
            : _signatures.GetValueOrDefault(name) ?? throw ServingException.NotFound($"Serving signature name: \"{name}\" not found in signature def"));

        var output = new ArrayBufferWriter<byte>();
        PredictResponseWriter.Write(output, request.Format, request.Inputs.ToList());
    }

    protected override bool IsDocumentedRejection(Exception e) => e is ServingException;

    public override IEnumerable<KeyValuePair<string, byte[]>> Seeds(string? testData)
    {
        string[] bodies =
        [
            """{"instances": [1.0, 2.0, 5.0]}""",
            """{"instances": [[1.5, -2e10], [3.25, 4e-3]]}""",
            """{"inputs": {"x": [[1, 2], [3, 4]]}}""",
            """{"signature_name": "float", "inputs": [NaN, Infinity, -Infinity, 1e39, -0.0]}""",
            """{"signature_name": "double", "instances": [[1.7976931348623157e308], [4.9e-324]]}""",
            """{"signature_name": "half", "inputs": [65504, 0.0001, 70000]}""",
            """{"signature_name": "int8", "inputs": [[-128, 127], [0, 1]]}""",
            """{"signature_name": "uint8", "inputs": [0, 255, 256]}""",
            """{"signature_name": "int16", "instances": [-32768, 32767]}""",
            """{"signature_name": "uint16", "instances": [65535]}""",
            """{"signature_name": "int32", "inputs": [[[1], [2]], [[3], [4]]]}""",
            """{"signature_name": "uint32", "inputs": 4294967295}""",
            """{"signature_name": "int64", "inputs": [-9223372036854775808, 9223372036854775807]}""",
            """{"signature_name": "uint64", "inputs": [18446744073709551615, 1.0]}""",
            """{"signature_name": "bool", "instances": [true, false, true]}""",
            """{"signature_name": "string", "instances": ["a", "\u00e9\ud83d\ude00", "q\"\\/\b\f\n\r\t"]}""",
            """{"signature_name": "string", "inputs": [{"b64": "aGVsbG8="}, {"b64": ""}]}""",
            """{"signature_name": "bytes", "instances": [{"x_bytes": {"b64": "AAEC/w=="}}]}""",
            """{"signature_name": "multi", "instances": [{"a": 1, "b": "x", "c_bytes": {"b64": "YQ=="}, "d": [1.5, 2], "e": true}, {"a": 2, "b": "y", "c_bytes": {"b64": "Yg=="}, "d": [3, 4], "e": false}]}""",
            """{"signature_name": "multi", "inputs": {"a": [1, 2], "b": ["x", "y"], "c_bytes": [{"b64": "YQ=="}], "d": [[1.5]], "e": [true]}}""",
            """{"signature_name": "complex64", "inputs": [1, 2]}""",
            """{"signature_name": "", "instances": [[[]]]}""",
            """{"instances": []}""",
        ];

        for (var i = 0; i < bodies.Length; i++)
        {
            yield return KeyValuePair.Create($"body-{i:D2}.json", Encoding.UTF8.GetBytes(bodies[i]));
        }
    }

    private static Dictionary<string, Signature> BuildSignatures()
    {
        var signatures = new Dictionary<string, Signature>(StringComparer.Ordinal)
        {
            ["default"] = Single("x", TensorDataType.Float),
            ["bytes"] = Single("x_bytes", TensorDataType.String),
            ["complex64"] = Single("x", (TensorDataType)8), // a dtype JSON cannot express: Unimplemented
            ["multi"] = new(Signature.PredictMethod,
            [
                Input("a", TensorDataType.Int32), Input("b", TensorDataType.String), Input("c_bytes", TensorDataType.String),
                Input("d", TensorDataType.Float), Input("e", TensorDataType.Bool),
            ], []),
        };

        foreach (var type in JsonTypes)
        {
            signatures[TensorDataTypes.TfName(type)[3..].ToLowerInvariant()] = Single("x", type);
        }

        return signatures;
    }

    private static Signature Single(string alias, TensorDataType type) => new(Signature.PredictMethod, [Input(alias, type)], []);

    private static KeyValuePair<string, TensorSpec> Input(string alias, TensorDataType type) =>
        KeyValuePair.Create(alias, new TensorSpec(alias + ":0", type, null));
}
