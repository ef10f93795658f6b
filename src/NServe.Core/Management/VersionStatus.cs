using NServe.Core.Errors;
using NServe.Core.Servables;

namespace NServe.Core.Management;

/// <summary>What the status API shows for one version: its state and, when it failed, why.</summary>
public sealed record VersionStatus(long Version, ServableState State, StatusCode ErrorCode, string ErrorMessage);
