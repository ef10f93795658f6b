using Tensorflow;

namespace NServe.TensorFlow.Graph;

/// <summary>
/// Where each named output argument of a node starts among its flat outputs. Inside FunctionDef bodies an
/// input is written <c>node:output_arg:index</c>; the graph-level name of that tensor is <c>node:flat</c>, where
/// flat counts all outputs of the earlier arguments (an argument holds <c>number_attr</c> tensors, or one per
/// type in <c>type_list_attr</c>, or one).
/// </summary>
public static class OutputLayout
{
    /// <summary>The flat output index of <paramref name="outputArg"/>[<paramref name="index"/>] of <paramref name="node"/>, whose op is <paramref name="op"/>.</summary>
    /// <exception cref="GraphPreparationException">The op has no such output argument, or the node lacks an attribute that sizes one.</exception>
    public static int FlatIndex(OpDef op, NodeDef node, string outputArg, int index)
    {
        var start = 0;
        foreach (var arg in op.OutputArg)
        {
            var count = ArgCount(arg, node);
            if (arg.Name == outputArg)
            {
                if (index < 0 || index >= count)
                {
                    throw new GraphPreparationException(
                        $"node '{node.Name}' ({node.Op}) has {count} tensors in output '{outputArg}', not index {index}");
                }

                return start + index;
            }

            start += count;
        }

        throw new GraphPreparationException($"op {node.Op} of node '{node.Name}' has no output argument '{outputArg}'");
    }

    /// <summary>How many tensors <paramref name="arg"/> stands for on <paramref name="node"/>.</summary>
    public static int ArgCount(OpDef.Types.ArgDef arg, NodeDef node)
    {
        if (arg.NumberAttr.Length > 0)
        {
            return node.Attr.TryGetValue(arg.NumberAttr, out var number)
                ? checked((int)number.I)
                : throw new GraphPreparationException($"node '{node.Name}' ({node.Op}) lacks attribute '{arg.NumberAttr}'");
        }

        if (arg.TypeListAttr.Length > 0)
        {
            return node.Attr.TryGetValue(arg.TypeListAttr, out var types)
                ? types.List?.Type.Count ?? 0
                : throw new GraphPreparationException($"node '{node.Name}' ({node.Op}) lacks attribute '{arg.TypeListAttr}'");
        }

        return 1;
    }
}
