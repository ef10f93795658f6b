using NServe.TensorFlow.Conversion;
using NServe.TensorFlow.HostKernels;
using NServe.TensorFlow.Tests.Checkpoint;

namespace NServe.TensorFlow.Tests.Loading;

/// <summary>
/// A fact about a real model that needs op types the converter may not support yet (TF Serving's
/// half_plus_two models need ParseExample for their classify/regress signatures, and a model loads only when
/// every signature converts; ParseExample(V2) counts as supported, since the host runs it). It is skipped,
/// naming the missing ops, until the converter supports them, and runs by itself from then on. Also skipped
/// when the shared test data is absent.
/// </summary>
internal sealed class RequiresOpsFactAttribute : FactAttribute
{
    public RequiresOpsFactAttribute(params string[] opTypes)
    {
        var missing = opTypes.Where(op => !GraphConverter.IsSupported(op) && !ExampleParsingSplit.OpTypes.Contains(op)).ToList();
        if (CheckpointTestData.Root is null)
        {
            Skip = CheckpointTestData.SkipReason;
        }
        else if (missing.Count > 0)
        {
            Skip = $"the converter does not support {string.Join(", ", missing)} yet, so the model cannot load";
        }
    }
}
