using NServe.Core.Tensors;

namespace NServe.TensorFlow.Conversion;

/// <summary>
/// TensorList ops (TF2 TensorArrays, as Keras RNN loops use them), with a list held densely as one tensor
/// [length, ...element]. A reserved list whose element shape is partly unknown (the batch size) starts with
/// those dims at 1; the first SetItem or PushBack broadcasts the list to the item's real shape.
/// </summary>
internal static class TensorListOps
{
    public static void Register(OpConverterRegistry registry)
    {
        registry.Add("TensorListReserve", Reserve);
        registry.Add("EmptyTensorList", Empty);
        registry.Add("TensorListFromTensor", FromTensor);
        registry.Add("TensorListGetItem", GetItem);
        registry.Add("TensorListSetItem", SetItem);
        registry.Add("TensorListPushBack", PushBack);
        registry.Add("TensorListStack", Stack);
        registry.Add("TensorListLength", Length);
    }

    private static void Reserve(NodeContext node)
        => Create(node, node.Emit("Reshape", [node.InInt64(1), node.Scope.Int64s(1)]), ConstantLength(node.Input(1)));

    private static void Empty(NodeContext node) => Create(node, node.Scope.Int64s(0), 0);

    /// <summary>A zero list of <paramref name="length"/> items of the element_shape input (unknown dims as 1).</summary>
    private static void Create(NodeContext node, string length, long knownLength)
    {
        var type = node.Node.GetType("element_dtype");
        var elementShape = node.Input(0);
        if (elementShape.Rank == 0)
        {
            throw new ConversionException("a list whose element rank is unknown is not supported");
        }

        var dims = node.InInt64(0);
        var placeholders = node.Emit("Where", [node.Emit("Less", [dims, node.Scope.Int64Scalar(0)]), node.Scope.Int64Scalar(1), dims]);
        var shape = node.Emit("Concat", [length, placeholders], n => n.Attribute("axis", 0L));
        var zeros = node.Emit("Expand", [node.Scope.IntegerScalar(type, 0), shape]);
        long[]? known = elementShape.Constant is { } constant ? [knownLength, .. constant.ToInt64s()] : null;
        node.SetOutput(0, TfValue.List(zeros, type, known));
    }

    private static long ConstantLength(TfValue value) => value.Constant?.ToInt64s()[0] ?? -1;

    private static void FromTensor(NodeContext node)
    {
        var tensor = node.Input(0);
        node.SetOutput(0, TfValue.List(node.In(0), tensor.DataType, tensor.Shape));
    }

    private static TfValue List(NodeContext node, int index)
        => node.Input(index) is { Kind: TfValueKind.TensorList } list
            ? list
            : throw new ConversionException($"input {index} is not a TensorList this converter made");

    private static void GetItem(NodeContext node)
    {
        var list = List(node, 0);
        var index = node.Emit("Reshape", [node.InInt64(1), node.Scope.Int64s([])]);
        node.EmitOutput(0, "Gather", [node.In(0), index], list.DataType, list.Shape is { Length: > 0 } s ? s[1..] : null, n => n.Attribute("axis", 0L));
    }

    // list[index] = item: the list broadcast to [length, ...item shape] (a no-op once it has that shape), then a scatter.
    private static void SetItem(NodeContext node)
    {
        var list = List(node, 0);
        var item = node.Input(2);
        var broadcast = FitToItem(node, node.In(0), node.In(2));
        var index = node.Emit("Reshape", [node.InInt64(1), node.Scope.Int64s(1, 1)]);
        var update = node.Emit("Unsqueeze", [node.In(2), node.Scope.Int64s(0)]);
        var result = node.Emit("ScatterND", [broadcast, index, update]);
        long[]? shape = list.Shape is { Length: > 0 } s && item.Shape is { } i ? [s[0], .. i] : null;
        node.SetOutput(0, TfValue.List(result, list.DataType, shape));
    }

    private static void PushBack(NodeContext node)
    {
        var list = List(node, 0);
        var item = node.Input(1);
        var broadcast = FitToItem(node, node.In(0), node.In(1));
        var update = node.Emit("Unsqueeze", [node.In(1), node.Scope.Int64s(0)]);
        var result = node.Emit("Concat", [broadcast, update], n => n.Attribute("axis", 0L));
        long[]? shape = list.Shape is { Length: > 0 } s && item.Shape is { } i ? [s[0] >= 0 ? s[0] + 1 : -1, .. i] : null;
        node.SetOutput(0, TfValue.List(result, list.DataType, shape));
    }

    /// <summary>Expand(list, [length, ...item shape]).</summary>
    private static string FitToItem(NodeContext node, string list, string item)
    {
        var length = node.Emit("Slice", [node.Emit("Shape", [list]), node.Scope.Int64s(0), node.Scope.Int64s(1)]);
        var target = node.Emit("Concat", [length, node.Emit("Shape", [item])], n => n.Attribute("axis", 0L));
        return node.Emit("Expand", [list, target]);
    }

    private static void Stack(NodeContext node)
    {
        var list = List(node, 0);
        node.SetOutput(0, TfValue.Of(node.In(0), list.DataType, list.Shape));
    }

    private static void Length(NodeContext node)
    {
        var list = List(node, 0);
        if (list.Shape is { Length: > 0 } s && s[0] >= 0)
        {
            node.SetOutput(0, TfValue.OfConstant(ConstantTensor.FromInt64s(TensorDataType.Int32, [], [s[0]]), node.Name + ":0"));
            return;
        }

        var length = node.Emit("Gather", [node.Emit("Shape", [node.In(0)]), node.Scope.Int64Scalar(0)], n => n.Attribute("axis", 0L));
        KernelTypes.OutputAs(node, 0, length, TensorDataType.Int64, TensorDataType.Int32, []);
    }
}
