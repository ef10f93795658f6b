namespace NServe.Server.Options;

/// <summary>
/// Result of <see cref="ServerOptions.Validate"/>. <see cref="Errors"/> are in TF Serving's check order
/// (TF stops at the first; print it as "Failed to start server. Error: INVALID_ARGUMENT: ..." and exit
/// non-zero). <see cref="Warnings"/> are logged and the server starts anyway.
/// </summary>
public sealed record StartupValidation(IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings)
{
    public bool IsValid => Errors.Count == 0;
}
