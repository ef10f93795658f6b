using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Tensors;
using NServe.Server.Rest.Json;

namespace NServe.Server.Tests.Fuzz;

/// <summary>
/// Inputs AFL++ found (fuzz target rest-json): a body whose root is a number followed by more number-like bytes.
/// The parser stops after the root value (as rapidjson's stop-when-done does), but the error printer re-read the
/// number as any run of digits, '.', 'e', '+', '-', so it took in the ignored bytes and threw FormatException or
/// IndexOutOfRangeException instead of the InvalidArgument "Is not object" error.
/// </summary>
public class RootNumberFuzzRegressionTests
{
    private static readonly Signature FloatSignature = new(
        Signature.PredictMethod, [KeyValuePair.Create("x", new TensorSpec("x:0", TensorDataType.Float, null))], []);

    public static TheoryData<byte[]> CrashingBodies() => new()
    {
        // "0841eR0\x14": the root is 0; "841e" followed.
        new byte[] { 0x30, 0x38, 0x34, 0x31, 0x65, 0x52, 0x30, 0x14 },

        // "00e\x19_nae...": the root is 0; "0e" followed.
        new byte[] { 0x30, 0x30, 0x65, 0x19, 0x5F, 0x6E, 0x61, 0x65, 0x86, 0x8C, 0x72, 0x5B, 0x5B, 0x7B, 0x22, 0x73, 0x69, 0x67, 0x22 },

        // "184184467440737095516161e30e\"": a 24-digit root with an exponent, then a stray 'e'.
        new byte[]
        {
            0x31, 0x38, 0x34, 0x31, 0x38, 0x34, 0x34, 0x36, 0x37, 0x34, 0x34, 0x30, 0x37, 0x33, 0x37, 0x30, 0x39, 0x35, 0x35, 0x31,
            0x36, 0x31, 0x36, 0x31, 0x65, 0x33, 0x30, 0x65, 0x22,
        },

        // "4184467440737095516446744073709551616.516.5": a second fraction.
        new byte[]
        {
            0x34, 0x31, 0x38, 0x34, 0x34, 0x36, 0x37, 0x34, 0x34, 0x30, 0x37, 0x33, 0x37, 0x30, 0x39, 0x35, 0x35, 0x31, 0x36, 0x34,
            0x34, 0x36, 0x37, 0x34, 0x34, 0x30, 0x37, 0x33, 0x37, 0x30, 0x39, 0x35, 0x35, 0x31, 0x36, 0x31, 0x36, 0x2E, 0x35, 0x31,
            0x36, 0x2E, 0x35,
        },

        // "-9223372036854775809-ces\"3\"...": below int64's range, then a '-'.
        new byte[]
        {
            0x2D, 0x39, 0x32, 0x32, 0x33, 0x33, 0x37, 0x32, 0x30, 0x33, 0x36, 0x38, 0x35, 0x34, 0x37, 0x37, 0x35, 0x38, 0x30, 0x39,
            0x2D, 0x63, 0x65, 0x73, 0x22, 0x33, 0x22, 0x69, 0x22, 0x75, 0x69, 0x6E, 0x74, 0x31, 0x36, 0x22,
        },

        // "018446744073709551617370955E66.5": a leading zero, then an exponent and a fraction in the wrong order.
        new byte[]
        {
            0x30, 0x31, 0x38, 0x34, 0x34, 0x36, 0x37, 0x34, 0x34, 0x30, 0x37, 0x33, 0x37, 0x30, 0x39, 0x35, 0x35, 0x31, 0x36, 0x31,
            0x37, 0x33, 0x37, 0x30, 0x39, 0x35, 0x35, 0x45, 0x36, 0x36, 0x2E, 0x35,
        },
    };

    [Theory]
    [MemberData(nameof(CrashingBodies))]
    public void A_root_number_followed_by_number_bytes_is_not_an_object(byte[] body)
    {
        var error = Assert.Throws<ServingException>(() => PredictRequestReader.Read(body, _ => FloatSignature).Dispose());

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.StartsWith("JSON Value: ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(" Is not object", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_root_number_is_printed()
    {
        var error = Assert.Throws<ServingException>(() => PredictRequestReader.Read("0841eR0"u8, _ => FloatSignature).Dispose());

        Assert.Equal("JSON Value: 0 Is not object", error.Message);
    }
}
