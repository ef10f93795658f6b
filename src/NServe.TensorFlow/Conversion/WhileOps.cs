using NServe.Core.Tensors;
using NServe.Onnx;
using NServe.Onnx.Building;

namespace NServe.TensorFlow.Conversion;

/// <summary>
/// TF2 While/StatelessWhile as an ONNX Loop. The cond function is inlined once before the loop (the initial
/// condition) and once at the end of the body (the next condition); the body function becomes the Loop
/// body. Loop variables the body returns unchanged (weights, the input sequence, bounds) are not carried:
/// the body reads them from the outer graph, so they are not copied every iteration.
/// </summary>
internal static class WhileOps
{
    public static void Register(OpConverterRegistry registry)
    {
        registry.Add(["While", "StatelessWhile"], While);
    }

    private static void While(NodeContext node)
    {
        var session = node.Scope.Session;
        var cond = session.Function(node.Node.GetFunctionName("cond") ?? throw new ConversionException("attribute 'cond' names no function"));
        var body = session.Function(node.Node.GetFunctionName("body") ?? throw new ConversionException("attribute 'body' names no function"));
        var inputs = node.Inputs;
        var count = inputs.Count;
        if (body.Results.Count != count)
        {
            throw new ConversionException($"the body returns {body.Results.Count} values for {count} loop variables");
        }

        var prefix = node.Scope.Prefix + node.Name + "/";
        var initial = Condition(FunctionCallOps.Inline(node.Scope, node.Scope.Graph, cond, inputs, prefix + "cond_init/")[0], "initial condition");
        if (initial.Constant is { } known && known.ToInt64s()[0] == 0)
        {
            // The loop never runs: its outputs are its inputs.
            for (var k = 0; k < count; k++)
            {
                node.Alias(k, inputs[k]);
            }

            return;
        }

        var invariant = Enumerable.Range(0, count).Select(k => body.PassedThroughArgument(k) == k).ToArray();
        var graph = new OnnxGraphBuilder(node.Scope.NewName(node.Name + "_body"));
        var scope = new GraphScope(session, graph, prefix + "body/");
        graph.AddInput(scope.NewName("iteration"), global::Onnx.TensorProto.Types.DataType.Int64, []);
        graph.AddInput(scope.NewName("condition"), global::Onnx.TensorProto.Types.DataType.Bool, []);
        var arguments = new TfValue[count];
        for (var k = 0; k < count; k++)
        {
            var input = inputs[k];
            if (!input.IsLive)
            {
                throw new ConversionException($"loop variable {k} has no value");
            }

            if (invariant[k])
            {
                arguments[k] = input;
                continue;
            }

            var name = scope.NewName(body.Arguments[k]);
            graph.AddInput(name, OnnxDataTypes.ToOnnx(input.DataType), null);
            arguments[k] = input.Kind == TfValueKind.TensorList
                ? TfValue.List(name, input.DataType, null)
                : TfValue.Of(name, input.DataType, ShapeInvariant(node, k));
        }

        var results = FunctionCallOps.Inline(scope, graph, body, arguments, prefix + "body/");
        if (results.Any(r => r.Kind == TfValueKind.Failed))
        {
            // The body's unsupported ops are already reported; the loop's outputs are unusable.
            for (var k = 0; k < count; k++)
            {
                node.Alias(k, TfValue.Failed);
            }

            return;
        }

        var next = Condition(FunctionCallOps.Inline(scope, graph, cond, results, prefix + "body/cond/")[0], "loop condition");
        FunctionCallOps.AddGraphOutput(scope, AsBool(scope, next), node.Name + "/next_condition");
        var loopInputs = new List<string> { "", node.Scope.Use(AsBool(node.Scope, initial)) };
        var carried = new List<int>();
        for (var k = 0; k < count; k++)
        {
            if (invariant[k])
            {
                continue;
            }

            if (!results[k].IsLive || results[k].DataType != inputs[k].DataType || results[k].Kind != inputs[k].Kind)
            {
                throw new ConversionException($"loop variable {k} changes type in the body");
            }

            FunctionCallOps.AddGraphOutput(scope, results[k], $"{node.Name}/next_{k}");
            loopInputs.Add(node.Scope.Use(inputs[k]));
            carried.Add(k);
        }

        var outputs = carried.Select(node.OutputName).ToArray();
        var loopBody = graph.Build();
        node.Scope.EmitMany("Loop", loopInputs, outputs, n => n.Attribute("body", loopBody));
        for (var k = 0; k < count; k++)
        {
            if (invariant[k])
            {
                node.Alias(k, inputs[k]);
            }
        }

        for (var j = 0; j < carried.Count; j++)
        {
            var k = carried[j];
            node.SetOutput(k, inputs[k].Kind == TfValueKind.TensorList
                ? TfValue.List(outputs[j], inputs[k].DataType, null)
                : TfValue.Of(outputs[j], inputs[k].DataType, ShapeInvariant(node, k)));
        }
    }

    private static TfValue Condition(TfValue value, string what)
        => value.IsLive ? value : throw new ConversionException($"the {what} could not be converted");

    /// <summary>ONNX Loop conditions are bool; TensorFlow's cond returns bool or a number (non-zero is true).</summary>
    private static TfValue AsBool(GraphScope scope, TfValue value)
        => value.DataType == TensorDataType.Bool
            ? value
            : TfValue.Of(scope.Cast(scope.Use(value), TensorDataType.Bool, "condition_bool"), TensorDataType.Bool, []);

    /// <summary>The shape TensorFlow keeps loop variable <paramref name="index"/> at (the While's output_shapes).</summary>
    private static long[]? ShapeInvariant(NodeContext node, int index)
    {
        if (node.Node.Attr.TryGetValue("output_shapes", out var value) && value.List is { } list && index < list.Shape.Count)
        {
            return NodeAttributes.ToDims(list.Shape[index]);
        }

        return node.Node.RecordedOutputShape(index);
    }
}
