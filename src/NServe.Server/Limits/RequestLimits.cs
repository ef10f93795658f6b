namespace NServe.Server.Limits;

/// <summary>
/// Bounds on what one request may make the server read, inflate or allocate. The defaults accept every
/// request TF Serving accepts; operators facing untrusted clients lower them (docs/reliability.md, "Limits").
/// </summary>
public sealed record RequestLimits
{
    /// <summary>2 GiB - 1: TF Serving's REST server has no cap, and one body buffer cannot exceed this.</summary>
    public const long DefaultMaxRestBodyBytes = int.MaxValue;

    /// <summary>TF Serving's <c>ZLib::kMaxUncompressedBytes</c> (100 MiB).</summary>
    public const int DefaultMaxDecompressedBytes = 100 * 1024 * 1024;

    /// <summary>A tensor has at most 254 dimensions (TF's TensorShape), so TF Serving answers nothing nested deeper than ~260 levels.</summary>
    public const int DefaultMaxJsonDepth = 1024;

    /// <summary>2^31 - 1: no narrower than the one-buffer limit every tensor already has.</summary>
    public const long DefaultMaxTensorElements = int.MaxValue;

    /// <summary>TF Serving sets INT32_MAX for both directions.</summary>
    public const int DefaultGrpcMaxMessageBytes = int.MaxValue;

    public static RequestLimits Default { get; } = new();

    public long MaxRestBodyBytes { get; init; } = DefaultMaxRestBodyBytes;

    public int MaxDecompressedBytes { get; init; } = DefaultMaxDecompressedBytes;

    public int MaxJsonDepth { get; init; } = DefaultMaxJsonDepth;

    public long MaxTensorElements { get; init; } = DefaultMaxTensorElements;
}
