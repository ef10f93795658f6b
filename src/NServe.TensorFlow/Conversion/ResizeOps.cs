using NServe.Core.Tensors;

namespace NServe.TensorFlow.Conversion;

/// <summary>
/// ResizeBilinear and ResizeNearestNeighbor (NHWC images, a [new_height, new_width] size) as ONNX Resize on the
/// channels-first image. TensorFlow's coordinate rules map onto ONNX's: align_corners → align_corners,
/// half_pixel_centers → half_pixel, neither → asymmetric; nearest rounds as TensorFlow does: floor
/// (asymmetric), or half up (round_prefer_ceil) for the other two.
/// </summary>
internal static class ResizeOps
{
    public static void Register(OpConverterRegistry registry)
    {
        registry.Add("ResizeBilinear", node => Resize(node, "linear"));
        registry.Add("ResizeNearestNeighbor", node => Resize(node, "nearest"));
    }

    private static void Resize(NodeContext node, string mode)
    {
        var alignCorners = node.Node.GetBool("align_corners", false);
        var halfPixel = node.Node.GetBool("half_pixel_centers", false);
        if (alignCorners && halfPixel)
        {
            throw new ConversionException("align_corners and half_pixel_centers cannot both be set");
        }

        var type = node.T;
        var input = node.Input(0);
        // ResizeBilinear always returns float; nearest keeps the type (computed in float here, as ORT resizes).
        var outputType = mode == "linear" ? TensorDataType.Float : type;
        const TensorDataType compute = TensorDataType.Float;
        var x = node.Emit("Transpose", [KernelTypes.InputAs(node, 0, compute)], n => n.Attribute("perm", new long[] { 0, 3, 1, 2 }));
        var batchAndChannels = node.Emit("Slice", [node.Emit("Shape", [x]), node.Scope.Int64s(0), node.Scope.Int64s(2)]);
        var sizes = node.Emit("Concat", [batchAndChannels, node.InInt64(1)], n => n.Attribute("axis", 0L));
        var transform = alignCorners ? "align_corners" : halfPixel ? "half_pixel" : "asymmetric";
        var resized = node.Emit("Resize", [x, "", "", sizes], n =>
        {
            n.Attribute("mode", mode).Attribute("coordinate_transformation_mode", transform);
            if (mode == "nearest")
            {
                n.Attribute("nearest_mode", alignCorners || halfPixel ? "round_prefer_ceil" : "floor");
            }
        });

        var size = node.Input(1).Constant?.ToInt64s();
        long[]? shape = input.Shape is [var batch, _, _, var channels] && size is [var height, var width] ? [batch, height, width, channels] : Shapes.UnknownDims(4);
        var back = node.Emit("Transpose", [resized], n => n.Attribute("perm", new long[] { 0, 2, 3, 1 }));
        KernelTypes.OutputAs(node, 0, back, compute, outputType, shape);
    }
}
