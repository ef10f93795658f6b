using NServe.Server.Limits;

namespace NServe.Server.Options;

/// <summary>NServe's request limits (docs/reliability.md, "Limits"); every default accepts what TF Serving accepts.</summary>
public sealed partial class ServerOptions
{
    /// <summary><c>--rest_api_max_body_bytes</c>: the largest REST request body, as sent (before gunzip).</summary>
    public long RestApiMaxBodyBytes { get; set; } = RequestLimits.DefaultMaxRestBodyBytes;

    /// <summary><c>--rest_api_max_decompressed_bytes</c>: the largest gunzipped REST body (TF Serving: 100 MiB).</summary>
    public long RestApiMaxDecompressedBytes { get; set; } = RequestLimits.DefaultMaxDecompressedBytes;

    /// <summary><c>--rest_api_max_json_depth</c>: how deeply a REST predict body may nest arrays and objects.</summary>
    public int RestApiMaxJsonDepth { get; set; } = RequestLimits.DefaultMaxJsonDepth;

    /// <summary><c>--max_tensor_elements</c>: the most elements a gRPC TensorProto may declare.</summary>
    public long MaxTensorElements { get; set; } = RequestLimits.DefaultMaxTensorElements;

    /// <summary><c>--grpc_max_receive_message_bytes</c>: the largest gRPC request message.</summary>
    public int GrpcMaxReceiveMessageBytes { get; set; } = RequestLimits.DefaultGrpcMaxMessageBytes;

    /// <summary><c>--grpc_max_send_message_bytes</c>: the largest gRPC response message.</summary>
    public int GrpcMaxSendMessageBytes { get; set; } = RequestLimits.DefaultGrpcMaxMessageBytes;

    /// <summary>The limits as the request paths use them.</summary>
    public RequestLimits Limits => new()
    {
        MaxRestBodyBytes = RestApiMaxBodyBytes,
        MaxDecompressedBytes = (int)Math.Min(RestApiMaxDecompressedBytes, Array.MaxLength),
        MaxJsonDepth = RestApiMaxJsonDepth,
        MaxTensorElements = MaxTensorElements,
    };

    /// <summary>Startup errors for limits that would refuse every request.</summary>
    private IEnumerable<string> LimitErrors()
    {
        if (RestApiMaxBodyBytes <= 0)
        {
            yield return $"--rest_api_max_body_bytes must be positive; got {RestApiMaxBodyBytes}.";
        }

        if (RestApiMaxDecompressedBytes <= 0)
        {
            yield return $"--rest_api_max_decompressed_bytes must be positive; got {RestApiMaxDecompressedBytes}.";
        }

        if (RestApiMaxJsonDepth <= 0)
        {
            yield return $"--rest_api_max_json_depth must be positive; got {RestApiMaxJsonDepth}.";
        }

        if (MaxTensorElements <= 0)
        {
            yield return $"--max_tensor_elements must be positive; got {MaxTensorElements}.";
        }

        if (GrpcMaxReceiveMessageBytes <= 0)
        {
            yield return $"--grpc_max_receive_message_bytes must be positive; got {GrpcMaxReceiveMessageBytes}.";
        }

        if (GrpcMaxSendMessageBytes <= 0)
        {
            yield return $"--grpc_max_send_message_bytes must be positive; got {GrpcMaxSendMessageBytes}.";
        }
    }
}
