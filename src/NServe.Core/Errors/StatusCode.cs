namespace NServe.Core.Errors;

/// <summary>
/// Canonical error codes, numbered as <c>tensorflow.error.Code</c> and gRPC's status codes (they agree),
/// so the same value maps to a gRPC status, an HTTP status and a <c>StatusProto.error_code</c>.
/// </summary>
public enum StatusCode
{
    Ok = 0,
    Cancelled = 1,
    Unknown = 2,
    InvalidArgument = 3,
    DeadlineExceeded = 4,
    NotFound = 5,
    AlreadyExists = 6,
    PermissionDenied = 7,
    ResourceExhausted = 8,
    FailedPrecondition = 9,
    Aborted = 10,
    OutOfRange = 11,
    Unimplemented = 12,
    Internal = 13,
    Unavailable = 14,
    DataLoss = 15,
    Unauthenticated = 16,
}
