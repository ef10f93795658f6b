namespace NServe.Server.Rest;

/// <summary>Settings of the REST API taken from the command line.</summary>
public sealed class RestApiOptions
{
    /// <summary><c>--rest_api_timeout_in_ms</c>: the longest a REST request may run; 0 or less means no limit.</summary>
    public int TimeoutMilliseconds { get; init; } = 30000;

    /// <summary><c>--rest_api_enable_cors_support</c>.</summary>
    public bool EnableCors { get; init; }

    /// <summary>Body, gunzip and JSON nesting limits (docs/reliability.md, "Limits").</summary>
    public NServe.Server.Limits.RequestLimits Limits { get; init; } = NServe.Server.Limits.RequestLimits.Default;
}
