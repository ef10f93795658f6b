namespace NServe.EndToEnd.Tests.BadInput;

/// <summary>
/// One malformed request of the battery: how to send it, and the status (an HTTP code such as "400", or a
/// gRPC code name such as "InvalidArgument") and message substring the server must answer with.
/// </summary>
public sealed record BadInputCase(string Name, string Status, string Message, Func<BadInputServer, Task<BadInputAnswer>> Send)
{
    public override string ToString() => Name;
}

/// <summary>What the server answered: status as text (HTTP code or gRPC code name) and the error message.</summary>
public sealed record BadInputAnswer(string Status, string Message);
