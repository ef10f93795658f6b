using NServe.Core.Tensors;

namespace NServe.TensorFlow.Conversion;

/// <summary>
/// FusedBatchNorm (V1-V3) and BatchNormWithGlobalNormalization as element-wise math along the channel axis:
/// y = x * s + (offset - mean * s) with s = scale / sqrt(variance + epsilon). Channels-last data broadcasts
/// against the [C] vectors directly, so no layout transposes are needed; with constant statistics ORT folds
/// s and the shift into two initializers.
/// </summary>
internal static class BatchNormOps
{
    public static void Register(OpConverterRegistry registry)
    {
        registry.Add(["FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"], FusedBatchNorm);
        registry.Add("BatchNormWithGlobalNormalization", GlobalNormalization);
    }

    private static void FusedBatchNorm(NodeContext node)
    {
        var type = node.T;
        const TensorDataType compute = TensorDataType.Float;
        var dataFormat = node.Node.GetString("data_format", "NHWC");
        var channelsLast = dataFormat[^1] == 'C';
        var rank = dataFormat.Length;
        var epsilon = node.Node.GetFloat("epsilon", 0.0001f);
        var x = KernelTypes.InputAs(node, 0, compute);
        var scale = KernelTypes.InputAs(node, 1, compute);
        var offset = KernelTypes.InputAs(node, 2, compute);

        string mean;
        string variance;
        if (node.Node.GetBool("is_training", true))
        {
            // Batch statistics over every axis but the channel one (biased variance, as TensorFlow normalizes with).
            var axes = node.Scope.Int64s(Enumerable.Range(0, rank).Where(a => a != (channelsLast ? rank - 1 : 1)).Select(a => (long)a).ToArray());
            var batchMean = node.Emit("ReduceMean", [x, axes], n => n.Attribute("keepdims", 1L));
            var centered = node.Emit("Sub", [x, batchMean]);
            var batchVariance = node.Emit("ReduceMean", [node.Emit("Mul", [centered, centered]), axes], n => n.Attribute("keepdims", 1L));
            var inverse = node.Emit("Reciprocal", [node.Emit("Sqrt", [node.Emit("Add", [batchVariance, node.Scope.Scalar(compute, epsilon)])])]);
            var normalized = node.Emit("Mul", [centered, inverse]);
            var y = node.Emit("Add", [node.Emit("Mul", [normalized, AlongChannels(node, scale, channelsLast, rank)]), AlongChannels(node, offset, channelsLast, rank)]);
            KernelTypes.OutputAs(node, 0, y, compute, type, node.Input(0).Shape);
            return;
        }

        mean = KernelTypes.InputAs(node, 3, compute);
        variance = KernelTypes.InputAs(node, 4, compute);
        var factor = node.Emit("Div", [scale, node.Emit("Sqrt", [node.Emit("Add", [variance, node.Scope.Scalar(compute, epsilon)])])]);
        var shift = node.Emit("Sub", [offset, node.Emit("Mul", [mean, factor])]);
        var result = node.Emit("Add", [node.Emit("Mul", [x, AlongChannels(node, factor, channelsLast, rank)]), AlongChannels(node, shift, channelsLast, rank)]);
        KernelTypes.OutputAs(node, 0, result, compute, type, node.Input(0).Shape);

        // At inference the statistics outputs are the population statistics that came in.
        node.Alias(1, node.Input(3));
        node.Alias(2, node.Input(4));
    }

    // y = (t - m) / sqrt(v + epsilon) * (gamma if scale_after_normalization) + beta; channels last.
    private static void GlobalNormalization(NodeContext node)
    {
        var type = node.T;
        var compute = KernelTypes.Floating(type);
        var t = KernelTypes.InputAs(node, 0, compute);
        var m = KernelTypes.InputAs(node, 1, compute);
        var v = KernelTypes.InputAs(node, 2, compute);
        var beta = KernelTypes.InputAs(node, 3, compute);
        var epsilon = node.Node.GetFloat("variance_epsilon", 0);
        var factor = node.Emit("Reciprocal", [node.Emit("Sqrt", [node.Emit("Add", [v, node.Scope.Scalar(compute, epsilon)])])]);
        if (node.Node.GetBool("scale_after_normalization", false))
        {
            factor = node.Emit("Mul", [factor, KernelTypes.InputAs(node, 4, compute)]);
        }

        var result = node.Emit("Add", [node.Emit("Mul", [node.Emit("Sub", [t, m]), factor]), beta]);
        KernelTypes.OutputAs(node, 0, result, compute, type, node.Input(0).Shape);
    }

    /// <summary>A [C] vector shaped to broadcast along the channel axis.</summary>
    private static string AlongChannels(NodeContext node, string vector, bool channelsLast, int rank)
        => channelsLast
            ? vector
            : node.Emit("Unsqueeze", [vector, node.Scope.Int64s(Enumerable.Range(1, rank - 2).Select(i => (long)i).ToArray())]);
}
