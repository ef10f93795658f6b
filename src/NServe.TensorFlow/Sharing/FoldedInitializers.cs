using Onnx;

namespace NServe.TensorFlow.Sharing;

/// <summary>
/// The initializers of a converted model that ONNX Runtime's constant folding would consume: those read by a
/// node whose inputs are all constant (a transposed or reshaped kernel). ORT never folds an initializer given
/// through <c>SessionOptions.AddInitializer</c>, so sharing one of these would turn a load-time fold into work
/// on every request; they stay in their own session, which folds them into a new constant anyway.
/// </summary>
internal static class FoldedInitializers
{
    // Ops ORT's constant folding leaves alone because each run may give another value.
    private static readonly HashSet<string> NonDeterministic = new(
        ["RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial", "Bernoulli"], StringComparer.Ordinal);

    public static HashSet<string> Of(GraphProto graph)
    {
        var constant = new HashSet<string>(graph.Initializer.Select(i => i.Name), StringComparer.Ordinal) { "" };
        var folded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            var hasSubgraph = node.Attribute.Any(a => a.G is not null || a.Graphs.Count > 0);
            if (hasSubgraph || NonDeterministic.Contains(node.OpType) || node.Input.Count == 0 || !node.Input.All(constant.Contains))
            {
                continue;
            }

            foreach (var input in node.Input)
            {
                folded.Add(input);
            }

            foreach (var output in node.Output)
            {
                constant.Add(output);
            }
        }

        return folded;
    }
}
