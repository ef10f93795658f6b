using NServe.Core.Tensors;

namespace NServe.TensorFlow.Conversion;

/// <summary>What a TensorFlow tensor is in the ONNX graph being built.</summary>
internal enum TfValueKind
{
    /// <summary>An ordinary tensor.</summary>
    Tensor,

    /// <summary>
    /// A TensorList (DT_VARIANT) held densely as one tensor of shape [length, ...element]; <see cref="TfValue.DataType"/>
    /// is the element dtype.
    /// </summary>
    TensorList,

    /// <summary>
    /// The untaken output of a TF1 Switch whose predicate is known: nodes fed by it never run (TensorFlow's dead
    /// tensors), so they are not converted; a Merge takes its one live input.
    /// </summary>
    Dead,

    /// <summary>The output of a node that could not be converted; consumers are skipped (the error is reported once).</summary>
    Failed,
}

/// <summary>
/// A TensorFlow tensor as the converter knows it: the ONNX value that holds it, its dtype, what is known of its
/// shape (-1 unknown dimension, null unknown rank) and, when known, its value. A constant gets its ONNX name (an
/// initializer) only when something uses it, so folded shape arithmetic leaves nothing behind.
/// </summary>
internal sealed class TfValue
{
    private TfValue(string? onnxName, TensorDataType dataType, long[]? shape, ConstantTensor? constant, TfValueKind kind, string? nameHint = null)
    {
        NameHint = nameHint;
        OnnxName = onnxName;
        DataType = dataType;
        Shape = shape;
        Constant = constant;
        Kind = kind;
    }

    /// <summary>The ONNX value name; null for a constant not materialized yet.</summary>
    public string? OnnxName { get; private set; }

    public TensorDataType DataType { get; }

    public long[]? Shape { get; }

    public int? Rank => Shape?.Length;

    public ConstantTensor? Constant { get; }

    public TfValueKind Kind { get; }

    public bool IsLive => Kind is TfValueKind.Tensor or TfValueKind.TensorList;

    public static TfValue Dead { get; } = new(null, TensorDataType.Invalid, null, null, TfValueKind.Dead);

    public static TfValue Failed { get; } = new(null, TensorDataType.Invalid, null, null, TfValueKind.Failed);

    public static TfValue Of(string onnxName, TensorDataType dataType, long[]? shape)
        => new(onnxName, dataType, shape, null, TfValueKind.Tensor);

    public static TfValue List(string onnxName, TensorDataType elementType, long[]? shape)
        => new(onnxName, elementType, shape, null, TfValueKind.TensorList);

    /// <summary>A known value; <paramref name="nameHint"/> names its initializer if it gets one.</summary>
    public static TfValue OfConstant(ConstantTensor constant, string nameHint)
        => new(null, constant.DataType, constant.Shape, constant, TfValueKind.Tensor, nameHint);

    /// <summary>A computed value whose result is also known (folded), so consumers can read it.</summary>
    public static TfValue OfKnown(string onnxName, ConstantTensor constant)
        => new(onnxName, constant.DataType, constant.Shape, constant, TfValueKind.Tensor);

    /// <summary>The name a constant's initializer takes (its TensorFlow tensor name).</summary>
    public string? NameHint { get; }

    /// <summary>The same value with a better-known shape (shape inference or <c>_output_shapes</c>).</summary>
    public TfValue WithShape(long[]? shape) => Constant is not null ? this : new(OnnxName, DataType, shape, Constant, Kind);

    /// <summary>Records the initializer name a constant got when first used.</summary>
    internal void Materialize(string name)
    {
        if (OnnxName is not null)
        {
            throw new InvalidOperationException("value already has an ONNX name");
        }

        OnnxName = name;
    }

    public override string ToString() => $"{OnnxName ?? "<const>"} {DataType} [{(Shape is null ? "?" : string.Join(",", Shape))}] {Kind}";
}
