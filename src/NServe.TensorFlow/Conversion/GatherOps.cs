namespace NServe.TensorFlow.Conversion;

/// <summary>GatherV2, Gather, ResourceGather (over a variable frozen into a Const) and GatherNd; indices go int64.</summary>
internal static class GatherOps
{
    public static void Register(OpConverterRegistry registry)
    {
        registry.Add("GatherV2", node => Gather(node, ConcatSplitOps.ScalarAxis(node, 2)));
        registry.Add(["Gather", "ResourceGather"], node => Gather(node, 0));
        registry.Add("GatherNd", GatherNd);
    }

    private static void Gather(NodeContext node, long axis)
    {
        if (node.Node.GetInt("batch_dims", 0) != 0)
        {
            throw new ConversionException("batch_dims other than 0 is not supported");
        }

        var parameters = node.Input(0);
        var indices = node.Input(1);
        long[]? shape = null;
        if (parameters.Shape is { } p && indices.Shape is { } i)
        {
            var position = Shapes.NormalizeAxis(axis, p.Length);
            shape = [.. p[..position], .. i, .. p[(position + 1)..]];
        }

        node.EmitOutput(0, "Gather", [node.In(0), node.InInt64(1)], parameters.DataType, shape, n => n.Attribute("axis", axis));
    }

    private static void GatherNd(NodeContext node)
    {
        var parameters = node.Input(0);
        var indices = node.Input(1);
        long[]? shape = null;
        if (parameters.Shape is { } p && indices.Shape is { Length: > 0 } i && i[^1] >= 0)
        {
            shape = [.. i[..^1], .. p[(int)i[^1]..]];
        }

        node.EmitOutput(0, "GatherND", [node.In(0), node.InInt64(1)], parameters.DataType, shape);
    }
}
