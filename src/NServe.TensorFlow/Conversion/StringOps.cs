using System.Text;
using NServe.Core.Tensors;
using NServe.Onnx.Building;
using OnnxDataType = global::Onnx.TensorProto.Types.DataType;

namespace NServe.TensorFlow.Conversion;

/// <summary>
/// String ops ONNX (opset 20) can express: StringSplit (over ONNX StringSplit, re-sparsified), ReduceJoin
/// (a Loop of StringConcat), StringJoin, and the RE2 full-match ops.
/// </summary>
internal static class StringOps
{
    public static void Register(OpConverterRegistry registry)
    {
        registry.Add("StringSplit", StringSplit);
        registry.Add("ReduceJoin", ReduceJoin);
        registry.Add("StringJoin", StringJoin);
        registry.Add("StaticRegexFullMatch", node => RegexFullMatch(node, node.Node.GetString("pattern", "")));
        registry.Add("RegexFullMatch", node => RegexFullMatch(node, Encoding.UTF8.GetString(OnlyString(node.ConstantInput(1, "the pattern")))));
    }

    private static byte[] OnlyString(ConstantTensor constant)
        => constant.IsString && constant.ElementCount == 1 ? constant.Strings[0] : throw new ConversionException("a single string constant is expected");

    private static string StringScalar(GraphScope scope, byte[] value)
        => scope.Session.SharedConstant(
            "str_" + Convert.ToHexString(value),
            name => ConstantTensor.FromStrings([], [value]).ToOnnx(name));

    // StringSplit(input [N], delimiter) → SparseTensor (indices [K, 2] int64, values [K], dense_shape [2] int64).
    // Each character of the delimiter splits in TensorFlow; ONNX splits on the whole delimiter, so exactly one
    // character is supported. ONNX pads each row's tokens with empty strings; the mask of real tokens (non-empty
    // ones with skip_empty, else the first length-many) picks the values and their sparse coordinates.
    private static void StringSplit(NodeContext node)
    {
        var delimiter = OnlyString(node.ConstantInput(1, "the delimiter"));
        if (delimiter.Length != 1)
        {
            throw new ConversionException("only a one-character delimiter is supported");
        }

        var skipEmpty = node.Node.GetBool("skip_empty", true);
        var tokens = node.Temp("tokens");
        var lengths = node.Temp("lengths");
        node.Scope.EmitMany("StringSplit", [node.In(0)], [tokens, lengths], n => n.Attribute("delimiter", delimiter));

        string mask;
        if (skipEmpty)
        {
            mask = node.Emit("Not", [node.Emit("Equal", [tokens, StringScalar(node.Scope, [])])]);
        }
        else
        {
            var width = node.Emit("Gather", [node.Emit("Shape", [tokens]), node.Scope.Int64Scalar(1)], n => n.Attribute("axis", 0L));
            var columns = node.Emit("Range", [node.Scope.Int64Scalar(0), width, node.Scope.Int64Scalar(1)]);
            mask = node.Emit("Less", [columns, node.Emit("Unsqueeze", [lengths, node.Scope.Int64s(1)])]);
        }

        var flat = node.Scope.Int64s(-1);
        node.EmitOutput(1, "Compress", [node.Emit("Reshape", [tokens, flat]), node.Emit("Reshape", [mask, flat])], TensorDataType.String, [-1], n => n.Attribute("axis", 0L));

        // Coordinates: the row, and the token's position among the row's kept tokens (an exclusive running count).
        var counts = node.Emit("Cast", [mask], n => n.Attribute("to", (long)OnnxDataType.Int64));
        var positions = node.Emit("CumSum", [counts, node.Scope.Int64Scalar(1)], n => n.Attribute("exclusive", 1L));
        var coordinates = node.Emit("Transpose", [node.Emit("NonZero", [mask])], n => n.Attribute("perm", new long[] { 1, 0 }));
        var rows = node.Emit("Slice", [coordinates, node.Scope.Int64s(0), node.Scope.Int64s(1), node.Scope.Int64s(1)]);
        var columnsKept = node.Emit("Unsqueeze", [node.Emit("GatherND", [positions, coordinates]), node.Scope.Int64s(1)]);
        node.EmitOutput(0, "Concat", [rows, columnsKept], TensorDataType.Int64, [-1, 2], n => n.Attribute("axis", 1L));

        // Dense shape: [rows, the most tokens any row kept] (0 when there are no rows).
        var perRow = node.Emit("ReduceSum", [counts, node.Scope.Int64s(1)], n => n.Attribute("keepdims", 0L));
        var widest = node.Emit("ReduceMax", [node.Emit("Concat", [perRow, node.Scope.Int64s(0)], n => n.Attribute("axis", 0L)), node.Scope.Int64s(0)], n => n.Attribute("keepdims", 1L));
        var rowCount = node.Emit("Shape", [node.In(0)]);
        node.EmitOutput(2, "Concat", [rowCount, widest], TensorDataType.Int64, [2], n => n.Attribute("axis", 0L));
    }

    // Joins along the listed axes, the first listed varying fastest (reduce_join(a, [0, 1]) of [[a, b], [c, d]] is
    // "acbd"): the reduced axes move last in reverse order, the tensor becomes [outer, inner], and a Loop joins
    // the inner columns.
    private static void ReduceJoin(NodeContext node)
    {
        var input = node.Input(0);
        var rank = input.Rank ?? throw new ConversionException("the input rank is unknown");
        var axes = node.ConstantInput(1, "reduction_indices").ToInt64s().Select(a => Shapes.NormalizeAxis(a, rank)).ToArray();
        if (axes.Length == 0)
        {
            node.Alias(0, input);
            return;
        }

        var keepDims = node.Node.GetBool("keep_dims", false);
        var separator = node.Node.GetBytes("separator", []);
        var kept = Enumerable.Range(0, rank).Where(i => !axes.Contains(i)).ToArray();
        long[] perm = [.. kept.Select(i => (long)i), .. axes.Reverse().Select(i => (long)i)];
        var x = node.In(0);
        if (!perm.Select((p, i) => p == i).All(same => same))
        {
            x = node.Emit("Transpose", [x], n => n.Attribute("perm", perm));
        }

        var shape = node.Emit("Shape", [node.In(0)]);
        var outerDims = node.Emit("Gather", [shape, node.Scope.Int64s(kept.Select(i => (long)i).ToArray())], n => n.Attribute("axis", 0L));
        var outerCount = node.Emit("ReduceProd", [outerDims], n => n.Attribute("keepdims", 1L));
        var innerCount = node.Emit("ReduceProd", [node.Emit("Gather", [shape, node.Scope.Int64s(axes.Select(i => (long)i).ToArray())], n => n.Attribute("axis", 0L))], n => n.Attribute("keepdims", 1L));
        // allowzero: an empty input has a 0 dimension, which Reshape must keep rather than copy.
        var matrix = node.Emit("Reshape", [x, node.Emit("Concat", [outerCount, innerCount], n => n.Attribute("axis", 0L))], n => n.Attribute("allowzero", 1L));
        var empty = node.Emit("Expand", [StringScalar(node.Scope, []), outerCount]);

        var body = new OnnxGraphBuilder(node.Scope.NewName(node.Name + "_join"));
        var iteration = node.Scope.NewName(node.Name + "/i");
        var condition = node.Scope.NewName(node.Name + "/cond");
        var accumulated = node.Scope.NewName(node.Name + "/acc");
        body.AddInput(iteration, OnnxDataType.Int64, []);
        body.AddInput(condition, OnnxDataType.Bool, []);
        body.AddInput(accumulated, OnnxDataType.String, null);
        var column = node.Scope.NewName(node.Name + "/column");
        body.AddNode("Gather", [matrix, iteration], [column]).Attribute("axis", 1L);
        var withSeparator = node.Scope.NewName(node.Name + "/with_separator");
        body.AddNode("StringConcat", [accumulated, StringScalar(node.Scope, separator)], [withSeparator]);
        var joined = node.Scope.NewName(node.Name + "/joined");
        body.AddNode("StringConcat", [withSeparator, column], [joined]);
        var isFirst = node.Scope.NewName(node.Name + "/is_first");
        body.AddNode("Equal", [iteration, node.Scope.Int64Scalar(0)], [isFirst]);
        var next = node.Scope.NewName(node.Name + "/next");
        body.AddNode("Where", [isFirst, column, joined], [next]);
        var conditionOut = node.Scope.NewName(node.Name + "/cond_out");
        body.AddNode("Identity", [condition], [conditionOut]);
        body.AddOutput(conditionOut, OnnxDataType.Bool, []);
        body.AddOutput(next, OnnxDataType.String, null);

        var tripCount = node.Emit("Reshape", [innerCount, node.Scope.Int64s([])]);
        var joinedRows = node.Temp("joined");
        var bodyGraph = body.Build();
        node.Scope.EmitMany("Loop", [tripCount, "", empty], [joinedRows], n => n.Attribute("body", bodyGraph));

        string outputShape;
        if (keepDims)
        {
            var dims = Enumerable.Range(0, rank)
                .Select(i => axes.Contains(i) ? node.Scope.Int64s(1) : node.Emit("Gather", [shape, node.Scope.Int64s(i)], n => n.Attribute("axis", 0L)))
                .ToArray();
            outputShape = dims.Length == 1 ? dims[0] : node.Emit("Concat", dims, n => n.Attribute("axis", 0L));
        }
        else
        {
            outputShape = outerDims;
        }

        long[]? known = input.Shape is { } s ? (keepDims ? s.Select((d, i) => axes.Contains(i) ? 1 : d).ToArray() : kept.Select(i => s[i]).ToArray()) : null;
        node.EmitOutput(0, "Reshape", [joinedRows, outputShape], TensorDataType.String, known, n => n.Attribute("allowzero", 1L));
    }

    // StringJoin(inputs..., separator): element-wise, broadcasting scalars.
    private static void StringJoin(NodeContext node)
    {
        var separator = StringScalar(node.Scope, node.Node.GetBytes("separator", []));
        var result = node.In(0);
        for (var i = 1; i < node.InputCount; i++)
        {
            result = node.Emit("StringConcat", [node.Emit("StringConcat", [result, separator]), node.In(i)]);
        }

        var shape = node.Inputs.Select(v => v.Shape).Aggregate(Shapes.Broadcast);
        node.SetOutput(0, node.InputCount == 1 ? node.Input(0) : TfValue.Of(result, TensorDataType.String, shape));
    }

    private static void RegexFullMatch(NodeContext node, string pattern)
        => node.EmitOutput(0, "RegexFullMatch", [node.In(0)], TensorDataType.Bool, node.Input(0).Shape, n => n.Attribute("pattern", pattern));
}
