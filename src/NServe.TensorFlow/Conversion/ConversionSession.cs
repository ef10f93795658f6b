using NServe.Onnx.Building;
using Tensorflow;

namespace NServe.TensorFlow.Conversion;

/// <summary>
/// State shared by every ONNX graph one conversion builds (the main graph and loop bodies): value names,
/// which must be unique across nested graphs (ONNX scoping forbids shadowing), constants (all held as
/// main-graph initializers, which bodies may read), the function library and the unsupported ops met so far.
/// </summary>
internal sealed class ConversionSession
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reserved = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _sharedConstants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FunctionBody> _bodies = new(StringComparer.Ordinal);
    private readonly List<UnsupportedOp> _unsupported = [];
    private readonly HashSet<string> _unsupportedTypes = new(StringComparer.Ordinal);

    public ConversionSession(OnnxGraphBuilder mainGraph, IReadOnlyDictionary<string, FunctionDef> functions, OpConverterRegistry registry)
    {
        MainGraph = mainGraph;
        Functions = functions;
        Registry = registry;
    }

    public OnnxGraphBuilder MainGraph { get; }

    public IReadOnlyDictionary<string, FunctionDef> Functions { get; }

    public OpConverterRegistry Registry { get; }

    public IReadOnlyList<UnsupportedOp> Unsupported => _unsupported;

    /// <summary>The body of library function <paramref name="name"/> in graph form (read once per conversion).</summary>
    public FunctionBody Function(string name)
    {
        if (!_bodies.TryGetValue(name, out var body))
        {
            body = Functions.TryGetValue(name, out var function)
                ? FunctionBody.Of(function)
                : throw new ConversionException($"function {name} is not in the graph's library");
            _bodies[name] = body;
        }

        return body;
    }

    /// <summary>A value name no graph of this model uses yet, built from <paramref name="hint"/>.</summary>
    public string UniqueName(string hint)
    {
        if (_reserved.Remove(hint) || _names.Add(hint))
        {
            return hint;
        }

        for (var i = 1; ; i++)
        {
            var candidate = $"{hint}_{i}";
            if (_names.Add(candidate))
            {
                return candidate;
            }
        }
    }

    /// <summary>
    /// Keeps <paramref name="name"/> (a graph output, named after its TensorFlow tensor) for the first value
    /// that asks for exactly it.
    /// </summary>
    public void Reserve(string name)
    {
        if (_names.Add(name))
        {
            _reserved.Add(name);
        }
    }

    /// <summary>True while a reserved name has not been taken.</summary>
    public bool IsReserved(string name) => _reserved.Contains(name);

    /// <summary>Claims a name that must be exactly this (a graph input named after its TensorFlow tensor).</summary>
    public void ClaimExact(string name)
    {
        if (!_names.Add(name))
        {
            throw new InvalidOperationException($"ONNX value name '{name}' is already used");
        }
    }

    /// <summary>Gives a constant its initializer in the main graph the first time anything uses it.</summary>
    public string Materialize(TfValue value, string hint)
    {
        if (value.OnnxName is { } existing)
        {
            return existing;
        }

        var constant = value.Constant ?? throw new InvalidOperationException("only constants are materialized");
        var name = UniqueName(hint);
        MainGraph.AddInitializer(constant.ToOnnx(name));
        value.Materialize(name);
        return name;
    }

    /// <summary>A small constant (an axis list, a scalar) shared by every node that needs the same one.</summary>
    public string SharedConstant(string key, Func<string, global::Onnx.TensorProto> create)
    {
        if (_sharedConstants.TryGetValue(key, out var name))
        {
            return name;
        }

        name = UniqueName("const/" + key);
        MainGraph.AddInitializer(create(name));
        _sharedConstants[key] = name;
        return name;
    }

    /// <summary>Records an op that cannot be converted; only the first node of each op type is kept.</summary>
    public void ReportUnsupported(string opType, string nodeName, string? reason)
    {
        if (_unsupportedTypes.Add(opType))
        {
            _unsupported.Add(new UnsupportedOp(opType, nodeName, reason));
        }
    }
}
