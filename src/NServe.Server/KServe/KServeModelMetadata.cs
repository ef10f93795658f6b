namespace NServe.Server.KServe;

/// <summary>One input or output in model metadata: v2 name (the signature alias), datatype token and shape.</summary>
public sealed record KServeTensorMetadata(string Name, string DataType, long[] Shape);

/// <summary>
/// What model metadata reports, the same for REST and gRPC, except <paramref name="ExecutionProvider"/> (the
/// ORT provider that runs the model), which REST gives as a <c>parameters</c> extension and gRPC cannot carry:
/// its ModelMetadataResponse has no parameters field.
/// </summary>
public sealed record KServeModelMetadata(
    string Name,
    IReadOnlyList<string> Versions,
    string Platform,
    IReadOnlyList<KServeTensorMetadata> Inputs,
    IReadOnlyList<KServeTensorMetadata> Outputs,
    string ExecutionProvider = "CPUExecutionProvider");
