using NServe.Core.Errors;
using NServe.Core.Tensors;
using NServe.TensorFlow.Checkpoint;
using Tensorflow;

namespace NServe.TensorFlow.Variables;

/// <summary>
/// The values of a SavedModel's variables, as Const nodes that replace the variable nodes in prepared
/// graphs. Each variable is read from the checkpoint once, on first use, and its Const node is shared by every
/// signature that needs it. The checkpoint slot of a variable comes from the graph's restore step
/// (<see cref="RestoreGraphMapping"/>); a TF1 variable it does not mention is looked up by its node name.
/// </summary>
public sealed class VariableStore : IDisposable
{
    private readonly TensorBundleReader? _reader;
    private readonly string _variablesPrefix;
    private readonly IReadOnlyDictionary<string, CheckpointSlot> _slots;
    private readonly Dictionary<string, NodeDef> _constants = new(StringComparer.Ordinal);

    /// <param name="reader">The checkpoint, or null when the model has no <c>variables/</c> (all weights are Consts).</param>
    /// <param name="variablesPrefix">The checkpoint prefix, named in errors.</param>
    /// <param name="slots">Checkpoint slots by variable node name.</param>
    public VariableStore(TensorBundleReader? reader, string variablesPrefix, IReadOnlyDictionary<string, CheckpointSlot> slots)
    {
        _reader = reader;
        _variablesPrefix = variablesPrefix;
        _slots = slots;
    }

    /// <summary>Checkpoint slots by variable node name, as the restore step states them.</summary>
    public IReadOnlyDictionary<string, CheckpointSlot> Slots => _slots;

    /// <summary>The checkpoint slot of a variable node: the restore step's, else its node (or shared) name.</summary>
    public CheckpointSlot SlotOf(NodeDef variable)
    {
        if (_slots.TryGetValue(variable.Name, out var slot))
        {
            return slot;
        }

        if (_reader is not null && variable.Attr.TryGetValue("shared_name", out var shared) && shared.S.Length > 0)
        {
            var sharedName = shared.S.ToStringUtf8();
            if (!_reader.Contains(variable.Name) && _reader.Contains(sharedName))
            {
                return new CheckpointSlot(sharedName, "");
            }
        }

        return new CheckpointSlot(variable.Name, "");
    }

    /// <summary>A Const node named as <paramref name="variable"/> holding its value (attrs <c>dtype</c> and <c>value</c>).</summary>
    /// <exception cref="CheckpointException">The checkpoint is missing, lacks the variable, or is corrupt (the message names the file).</exception>
    public NodeDef ConstantFor(NodeDef variable)
    {
        if (_constants.TryGetValue(variable.Name, out var constant))
        {
            return constant;
        }

        var slot = SlotOf(variable);
        if (_reader is null)
        {
            var index = TensorBundleReader.IndexPathOf(_variablesPrefix);
            throw new CheckpointException(
                StatusCode.NotFound, index,
                $"variable '{variable.Name}' ({variable.Op}) needs the checkpoint {index}, which is missing");
        }

        if (!_reader.Contains(slot.Key))
        {
            throw new CheckpointException(
                StatusCode.NotFound, _reader.IndexPath,
                $"variable '{variable.Name}' ({variable.Op}) is restored from key '{slot.Key}', which checkpoint {_reader.IndexPath} lacks");
        }

        using var full = _reader.Read(slot.Key);
        TensorProto value;
        if (slot.SliceSpec.Length == 0)
        {
            value = TensorProtoConverter.ToProto(full, useTensorContent: true);
        }
        else
        {
            using var part = TensorSliceSpec.Parse(slot.SliceSpec, _reader.IndexPath).Extract(full, slot.Key, _reader.IndexPath);
            value = TensorProtoConverter.ToProto(part, useTensorContent: true);
        }

        constant = new NodeDef { Name = variable.Name, Op = "Const", Device = variable.Device };
        constant.Attr["dtype"] = new AttrValue { Type = value.Dtype };
        constant.Attr["value"] = new AttrValue { Tensor = value };
        _constants[variable.Name] = constant;
        return constant;
    }

    public void Dispose() => _reader?.Dispose();
}
