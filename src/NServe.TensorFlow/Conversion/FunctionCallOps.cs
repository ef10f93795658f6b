using NServe.Core.Tensors;
using NServe.Onnx;
using NServe.Onnx.Building;

namespace NServe.TensorFlow.Conversion;

/// <summary>
/// Function calls: PartitionedCall/StatefulPartitionedCall are inlined (graph preparation inlines the
/// signature's own calls; these are the ones left inside loop bodies), and If/StatelessIf become the taken
/// branch inlined when the condition is known, or an ONNX If with both branches as subgraphs.
/// </summary>
internal static class FunctionCallOps
{
    public static void Register(OpConverterRegistry registry)
    {
        registry.Add(["PartitionedCall", "StatefulPartitionedCall"], Call);
        registry.Add(["If", "StatelessIf"], If);
    }

    /// <summary>The converter of a node whose op type is a library function's name.</summary>
    public static OpConverterRegistry.Entry DirectCall { get; } = new(
        node => Call(node, node.Scope.Session.Function(node.Op)), AcceptsDeadInputs: false);

    /// <summary>Converts <paramref name="body"/> into <paramref name="graph"/> with its arguments bound; returns its results.</summary>
    public static IReadOnlyList<TfValue> Inline(GraphScope parent, OnnxGraphBuilder graph, FunctionBody body, IReadOnlyList<TfValue> arguments, string prefix)
    {
        if (arguments.Count != body.Arguments.Count)
        {
            throw new ConversionException($"function {body.Name} takes {body.Arguments.Count} arguments, got {arguments.Count}");
        }

        var scope = new GraphScope(parent.Session, graph, prefix);
        for (var i = 0; i < arguments.Count; i++)
        {
            scope.Bind(body.Arguments[i] + ":0", arguments[i]);
        }

        scope.ConvertNodes(body.Nodes, body.Results);
        return body.Results.Select(scope.Lookup).ToArray();
    }

    /// <summary>Makes <paramref name="value"/> an output of <paramref name="scope"/>'s graph (subgraph outputs must be produced inside it).</summary>
    public static string AddGraphOutput(GraphScope scope, TfValue value, string hint)
    {
        var name = scope.Emit("Identity", [scope.Use(value)], scope.NewName(hint));
        scope.Graph.AddOutput(name, OnnxDataTypes.ToOnnx(value.DataType), null);
        return name;
    }

    private static FunctionBody Body(NodeContext node, string attribute)
        => node.Scope.Session.Function(node.Node.GetFunctionName(attribute) ?? throw new ConversionException($"attribute '{attribute}' names no function"));

    private static void Call(NodeContext node) => Call(node, Body(node, "f"));

    private static void Call(NodeContext node, FunctionBody body)
    {
        var results = Inline(node.Scope, node.Scope.Graph, body, node.Inputs, node.Scope.Prefix + node.Name + "/");
        for (var i = 0; i < results.Count; i++)
        {
            node.Alias(i, results[i]);
        }
    }

    private static void If(NodeContext node)
    {
        var condition = node.Input(0);
        var arguments = node.Inputs.Skip(1).ToArray();
        var thenBody = Body(node, "then_branch");
        var elseBody = Body(node, "else_branch");
        if (condition.Constant is { } known)
        {
            // TensorFlow: a scalar is true when non-zero; a tensor of any other shape when it is non-empty.
            var taken = known.Shape.Length == 0 ? known.ToInt64s()[0] != 0 : known.ElementCount > 0;
            var results = Inline(node.Scope, node.Scope.Graph, taken ? thenBody : elseBody, arguments, node.Scope.Prefix + node.Name + "/");
            for (var i = 0; i < results.Count; i++)
            {
                node.Alias(i, results[i]);
            }

            return;
        }

        if (condition.Rank is not 0 && condition.Rank is not null)
        {
            throw new ConversionException("a non-scalar run-time condition is not supported");
        }

        var cond = condition.DataType == TensorDataType.Bool ? node.In(0) : node.Cast(node.In(0), TensorDataType.Bool);
        var thenGraph = Branch(node, thenBody, arguments, "then");
        var elseGraph = Branch(node, elseBody, arguments, "else");
        var outputTypes = node.Node.GetTypes("Tout");
        var outputs = Enumerable.Range(0, outputTypes.Length).Select(node.OutputName).ToArray();
        node.Scope.EmitMany("If", [cond], outputs, n => n.Attribute("then_branch", thenGraph).Attribute("else_branch", elseGraph));
        for (var i = 0; i < outputs.Length; i++)
        {
            node.SetOutput(i, outputs[i], outputTypes[i], null);
        }
    }

    private static global::Onnx.GraphProto Branch(NodeContext node, FunctionBody body, TfValue[] arguments, string which)
    {
        var prefix = node.Scope.Prefix + node.Name + "/" + which + "/";
        var graph = new OnnxGraphBuilder(node.Scope.NewName(node.Name + "_" + which));
        var scope = new GraphScope(node.Scope.Session, graph, prefix);
        var results = Inline(scope, graph, body, arguments, prefix);
        for (var i = 0; i < results.Count; i++)
        {
            if (!results[i].IsLive)
            {
                throw new ConversionException($"the {which} branch could not be converted");
            }

            AddGraphOutput(scope, results[i], $"{node.Name}/{which}_out{i}");
        }

        return graph.Build();
    }
}
