namespace NServe.Server.KServe;

/// <summary>One input or output in model metadata: v2 name (the signature alias), datatype token and shape.</summary>
public sealed record KServeTensorMetadata(string Name, string DataType, long[] Shape);

/// <summary>What model metadata reports, the same for REST and gRPC.</summary>
public sealed record KServeModelMetadata(
    string Name,
    IReadOnlyList<string> Versions,
    string Platform,
    IReadOnlyList<KServeTensorMetadata> Inputs,
    IReadOnlyList<KServeTensorMetadata> Outputs);
