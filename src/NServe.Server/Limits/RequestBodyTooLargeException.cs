namespace NServe.Server.Limits;

/// <summary>
/// A REST body longer than <c>--rest_api_max_body_bytes</c>: answered 413 with TF Serving's error shape by
/// the REST port's dispatcher (no canonical code maps to 413, so this is not a ServingException).
/// </summary>
public sealed class RequestBodyTooLargeException(long limit)
    : Exception($"Request body is larger than {limit} bytes (--rest_api_max_body_bytes)")
{
    public long Limit { get; } = limit;
}
