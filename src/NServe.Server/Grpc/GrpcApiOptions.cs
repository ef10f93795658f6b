namespace NServe.Server.Grpc;

/// <summary>Settings of the gRPC API taken from the command line.</summary>
public sealed class GrpcApiOptions
{
    /// <summary><c>--enable_serialization_as_tensor_content</c>: answer with tensor_content instead of typed fields.</summary>
    public bool SerializeAsTensorContent { get; init; }

    /// <summary><c>--max_tensor_elements</c>: the most elements one input TensorProto may declare.</summary>
    public long MaxTensorElements { get; init; } = NServe.Server.Limits.RequestLimits.DefaultMaxTensorElements;
}
