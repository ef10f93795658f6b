using NServe.Core.Tensors;
using NServe.Core.Tests.Protos;
using Tensorflow;

namespace NServe.Core.Tests.Tensors;

/// <summary>
/// The Const tensors in real SavedModels are TensorProtos written by TensorFlow itself (tensor_content for most
/// arrays, typed fields for scalars and strings). Each must decode, and re-encoding in the same representation
/// must give back TensorFlow's message.
/// </summary>
public sealed class TensorProtoConverterRealDataTests
{
    public static TheoryData<string> SavedModelFiles() => ProtoTestData.SavedModelFiles();

    [TestDataTheory]
    [MemberData(nameof(SavedModelFiles))]
    public void EveryConstantDecodesAndReencodesAsTensorFlowWroteIt(string relativePath)
    {
        foreach (var original in SupportedConstants(relativePath))
        {
            using var tensor = TensorProtoConverter.ToTensor(original);
            Assert.Equal(TensorProtoShape.ToDims(original.TensorShape), tensor.Shape);

            var count = tensor.ElementCount;
            var usedContent = !original.TensorContent.IsEmpty;
            var reencoded = TensorProtoConverter.ToProto(tensor, useTensorContent: usedContent);
            if (count == 0 || (!usedContent && TypedValueCount(original) != count) || original.VersionNumber != 0)
            {
                // TensorFlow stored fewer values than elements (a fill); the decoded values must survive a round trip.
                using var again = TensorProtoConverter.ToTensor(reencoded);
                Assert.Equal(Values(tensor), Values(again));
            }
            else
            {
                Assert.Equal(original, reencoded);
            }
        }
    }

    [TestDataFact]
    public void TheTestModelsHoldConstantsInBothRepresentations()
    {
        var all = ProtoTestData.SavedModelPaths().SelectMany(SupportedConstants).ToList();

        Assert.Contains(all, t => !t.TensorContent.IsEmpty && t.TensorShape.Dim.Count > 0);
        Assert.Contains(all, t => t.FloatVal.Count == 1 && t.TensorShape.Dim.Count == 0);
        // TensorFlow's own compact form: one value standing for a whole array, filled on decode.
        Assert.Contains(all, t => t.FloatVal.Count == 1 && TensorProtoShape.ToDims(t.TensorShape).Aggregate(1L, (a, d) => a * d) > 1);
        Assert.Contains(all, t => t.IntVal.Count > 0);
        Assert.Contains(all, t => t.StringVal.Count > 0);
    }

    private static IEnumerable<TensorProto> SupportedConstants(string relativePath)
    {
        var model = SavedModel.Parser.ParseFrom(File.ReadAllBytes(ProtoTestData.Path(relativePath)));
        return model.MetaGraphs
            .SelectMany(m => m.GraphDef.Node.Concat(m.GraphDef.Library?.Function.SelectMany(f => f.NodeDef) ?? []))
            .Where(n => n.Op == "Const" && n.Attr.TryGetValue("value", out var v) && v.Tensor is not null)
            .Select(n => n.Attr["value"].Tensor)
            .Where(t => TensorDataTypes.IsSupported((TensorDataType)(int)t.Dtype));
    }

    private static int TypedValueCount(TensorProto proto) =>
        proto.HalfVal.Count + proto.FloatVal.Count + proto.DoubleVal.Count + proto.IntVal.Count + proto.StringVal.Count
        + proto.Int64Val.Count + proto.BoolVal.Count + proto.Uint32Val.Count + proto.Uint64Val.Count;

    private static byte[] Values(Tensor tensor) =>
        tensor.IsString ? tensor.Strings.SelectMany(s => BitConverter.GetBytes(s.Length).Concat(s)).ToArray() : tensor.Bytes.ToArray();
}
