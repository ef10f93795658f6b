using NServe.Core.Tensors;
using NServe.Onnx.Building;
using Tensorflow;

namespace NServe.TensorFlow.Conversion;

/// <summary>One TensorFlow node being converted: its resolved data inputs and ways to emit and bind outputs.</summary>
internal sealed class NodeContext
{
    private readonly IReadOnlyList<TfValue> _inputs;
    private Dictionary<int, string>? _int64Inputs;

    public NodeContext(GraphScope scope, NodeDef node, IReadOnlyList<TfValue> inputs)
    {
        Scope = scope;
        Node = node;
        _inputs = inputs;
    }

    public GraphScope Scope { get; }

    public NodeDef Node { get; }

    public string Name => Node.Name;

    public string Op => Node.Op;

    /// <summary>Data inputs (control inputs excluded).</summary>
    public IReadOnlyList<TfValue> Inputs => _inputs;

    public int InputCount => _inputs.Count;

    public TfValue Input(int index)
    {
        if (index >= _inputs.Count)
        {
            throw new ConversionException($"expected at least {index + 1} inputs, got {_inputs.Count}");
        }

        return _inputs[index];
    }

    /// <summary>The ONNX name of input <paramref name="index"/>.</summary>
    public string In(int index) => Scope.Use(Input(index));

    /// <summary>Input <paramref name="index"/> as int64 (shapes, axes, indices); cast once however often asked.</summary>
    public string InInt64(int index)
    {
        _int64Inputs ??= [];
        if (!_int64Inputs.TryGetValue(index, out var name))
        {
            name = Scope.AsInt64(Input(index), $"{Name}/in{index}_i64");
            _int64Inputs[index] = name;
        }

        return name;
    }

    /// <summary>The value of an input the ONNX form needs as an attribute (a perm, a fixed axis).</summary>
    public ConstantTensor ConstantInput(int index, string what)
        => Input(index).Constant ?? throw new ConversionException($"{what} (input {index}) must be a constant");

    /// <summary>The op's main type attribute <c>T</c>, or the first input's dtype when absent.</summary>
    public TensorDataType T => Node.GetType("T", _inputs.Count > 0 ? _inputs[0].DataType : TensorDataType.Float);

    /// <summary>A fresh name for output <paramref name="index"/>, after the TensorFlow tensor (<c>node:0</c>).</summary>
    public string OutputName(int index) => Scope.NewName($"{Name}:{index}");

    /// <summary>A fresh name for an intermediate value of this node.</summary>
    public string Temp(string suffix) => Scope.NewName($"{Name}/{suffix}");

    /// <summary>Binds output <paramref name="index"/>; the shape TensorFlow recorded fills in what inference left unknown.</summary>
    public TfValue SetOutput(int index, TfValue value)
    {
        // A TensorList's recorded shape is its handle's (a scalar), not the dense tensor's.
        if (value.Kind == TfValueKind.Tensor)
        {
            value = value.WithShape(Shapes.Merge(value.Shape, Node.RecordedOutputShape(index)));
        }

        Scope.Bind($"{Name}:{index}", value);
        return value;
    }

    public TfValue SetOutput(int index, string onnxName, TensorDataType dataType, long[]? shape)
        => SetOutput(index, TfValue.Of(onnxName, dataType, shape));

    /// <summary>Emits an intermediate one-output node.</summary>
    public string Emit(string opType, IReadOnlyList<string> inputs, Action<OnnxNodeBuilder>? configure = null)
        => Scope.Emit(opType, inputs, Temp(opType), configure);

    /// <summary>Emits the node that produces output <paramref name="index"/> and binds it.</summary>
    public TfValue EmitOutput(
        int index,
        string opType,
        IReadOnlyList<string> inputs,
        TensorDataType dataType,
        long[]? shape,
        Action<OnnxNodeBuilder>? configure = null)
    {
        var name = Scope.Emit(opType, inputs, OutputName(index), configure);
        return SetOutput(index, name, dataType, shape);
    }

    /// <summary>Binds output <paramref name="index"/> to an existing value (Identity and friends emit nothing).</summary>
    public void Alias(int index, TfValue value) => SetOutput(index, value);

    public string Cast(string input, TensorDataType to) => Scope.Cast(input, to, $"{Name}/cast");
}
