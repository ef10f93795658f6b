namespace NServe.Core.Errors;

/// <summary>
/// An error a client should see: a canonical code and TF Serving's message text. Every layer throws this
/// for expected failures; the API layers turn it into <c>{"error": ...}</c> or a gRPC status.
/// </summary>
public sealed class ServingException : Exception
{
    public ServingException(StatusCode code, string message, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
    }

    public StatusCode Code { get; }

    public static ServingException InvalidArgument(string message) => new(StatusCode.InvalidArgument, message);

    public static ServingException NotFound(string message) => new(StatusCode.NotFound, message);

    public static ServingException FailedPrecondition(string message) => new(StatusCode.FailedPrecondition, message);

    public static ServingException Unimplemented(string message) => new(StatusCode.Unimplemented, message);

    public static ServingException Internal(string message, Exception? inner = null) => new(StatusCode.Internal, message, inner);
}
