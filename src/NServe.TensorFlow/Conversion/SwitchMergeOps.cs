using NServe.Core.Tensors;

namespace NServe.TensorFlow.Conversion;

/// <summary>
/// TF1 conditionals (tf.cond, Keras learning-phase dropout): Switch forwards its data to output_true or
/// output_false by a predicate; the other output is dead and so is everything it feeds; Merge forwards its
/// one live input. With the predicate known at conversion (a constant, or a PlaceholderWithDefault the
/// signature does not feed), only the taken branch is converted.
/// </summary>
internal static class SwitchMergeOps
{
    public static void Register(OpConverterRegistry registry)
    {
        registry.Add("Switch", Switch);
        registry.Add("Merge", Merge, acceptsDeadInputs: true);
    }

    private static void Switch(NodeContext node)
    {
        var predicate = node.Input(1).Constant
            ?? throw new ConversionException("the predicate is computed at run time; only Switch on a known predicate (constant or unfed default) converts");
        var taken = predicate.ToInt64s() is [var value] ? value != 0 : throw new ConversionException("the predicate must be a scalar");
        node.Alias(taken ? 1 : 0, node.Input(0));
        node.Alias(taken ? 0 : 1, TfValue.Dead);
    }

    private static void Merge(NodeContext node)
    {
        for (var i = 0; i < node.InputCount; i++)
        {
            if (node.Input(i).IsLive)
            {
                node.Alias(0, node.Input(i));
                node.Alias(1, TfValue.OfConstant(ConstantTensor.FromInt64s(TensorDataType.Int32, [], [i]), node.Name + ":1"));
                return;
            }
        }

        node.Alias(0, TfValue.Dead);
        node.Alias(1, TfValue.Dead);
    }
}
