namespace NServe.TensorFlow.Conversion;

/// <summary>TensorFlow op type → converter. <see cref="Default"/> holds every op family of this folder.</summary>
internal sealed class OpConverterRegistry
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public static OpConverterRegistry Default { get; } = CreateDefault();

    public IReadOnlyCollection<string> OpTypes => _entries.Keys;

    public void Add(string opType, OpConverter convert) => Add(opType, convert, acceptsDeadInputs: false);

    /// <summary>Registers a converter; <paramref name="acceptsDeadInputs"/> only for Merge, which picks its live input.</summary>
    public void Add(string opType, OpConverter convert, bool acceptsDeadInputs)
    {
        if (!_entries.TryAdd(opType, new Entry(convert, acceptsDeadInputs)))
        {
            throw new InvalidOperationException($"op {opType} is registered twice");
        }
    }

    public void Add(IEnumerable<string> opTypes, OpConverter convert)
    {
        foreach (var opType in opTypes)
        {
            Add(opType, convert);
        }
    }

    public Entry? Find(string opType) => _entries.GetValueOrDefault(opType);

    public bool Contains(string opType) => _entries.ContainsKey(opType);

    private static OpConverterRegistry CreateDefault()
    {
        var registry = new OpConverterRegistry();
        IdentityOps.Register(registry);
        SourceOps.Register(registry);
        ElementwiseOps.Register(registry);
        UnaryMathOps.Register(registry);
        ComparisonOps.Register(registry);
        MatMulOps.Register(registry);
        ActivationOps.Register(registry);
        ConvolutionOps.Register(registry);
        TransposedConvolutionOps.Register(registry);
        PoolingOps.Register(registry);
        BatchNormOps.Register(registry);
        ReductionOps.Register(registry);
        ShapeOps.Register(registry);
        ConcatSplitOps.Register(registry);
        SliceOps.Register(registry);
        GatherOps.Register(registry);
        CreationOps.Register(registry);
        SelectionOps.Register(registry);
        IndexOps.Register(registry);
        ArrayOps.Register(registry);
        ResizeOps.Register(registry);
        SpaceDepthOps.Register(registry);
        LocalResponseNormOps.Register(registry);
        CastOps.Register(registry);
        SwitchMergeOps.Register(registry);
        FunctionCallOps.Register(registry);
        WhileOps.Register(registry);
        TensorListOps.Register(registry);
        RandomOps.Register(registry);
        StringOps.Register(registry);
        return registry;
    }

    internal sealed record Entry(OpConverter Convert, bool AcceptsDeadInputs);
}
