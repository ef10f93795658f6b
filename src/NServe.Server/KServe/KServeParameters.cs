namespace NServe.Server.KServe;

/// <summary>The v2 parameter names NServe reads or writes (binary tensor extension, signature choice).</summary>
public static class KServeParameters
{
    /// <summary>Request parameter choosing the signature; absent means <c>serving_default</c>.</summary>
    public const string SignatureNameText = "signature_name";

    public static ReadOnlySpan<byte> SignatureName => "signature_name"u8;

    public static ReadOnlySpan<byte> BinaryDataOutput => "binary_data_output"u8;

    public static ReadOnlySpan<byte> BinaryData => "binary_data"u8;

    public static ReadOnlySpan<byte> BinaryDataSize => "binary_data_size"u8;

    public static ReadOnlySpan<byte> Classification => "classification"u8;

    /// <summary>HTTP header giving the JSON part's length when binary data follows it.</summary>
    public const string HeaderContentLength = "Inference-Header-Content-Length";
}
