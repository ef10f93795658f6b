using NServe.Core.Errors;
using NServe.Core.Management;
using NServe.Core.Servables;

namespace NServe.Server.KServe;

/// <summary>
/// The v2 health answers from the manager's version table. The server is ready when every model it knows
/// has an AVAILABLE version or has settled without one (its loads all ended, e.g. failed for good), so a
/// model that can never load does not keep a readiness probe failing forever; it shows in model ready instead.
/// </summary>
public sealed class KServeReadiness(ServableManager manager)
{
    public bool IsServerReady()
    {
        foreach (var model in manager.ModelNames)
        {
            var statuses = manager.GetVersionStatuses(model);
            var available = false;
            var settled = true;
            foreach (var status in statuses)
            {
                available |= status.State == ServableState.Available;
                settled &= status.State == ServableState.End;
            }

            if (!available && !settled)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when the model (the given version or label, or any version) is AVAILABLE; NotFound for a model the manager does not know.</summary>
    public bool IsModelReady(string model, string? version)
    {
        if (string.IsNullOrEmpty(model))
        {
            throw ServingException.InvalidArgument("model name is empty");
        }

        if (!manager.ModelNames.Contains(model, StringComparer.Ordinal))
        {
            throw KServeErrors.UnknownModel(model);
        }

        var wanted = KServeVersion.Resolve(manager, model, version);
        return manager.GetVersionStatuses(model).Any(s => s.State == ServableState.Available && (wanted is null || s.Version == wanted));
    }
}
