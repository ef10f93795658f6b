using NServe.TensorFlow.Checkpoint;
using NServe.TensorFlow.Graph;
using NServe.TensorFlow.SavedModel;
using NServe.TensorFlow.Tests.Checkpoint;
using NServe.TensorFlow.Tests.SavedModel;
using NServe.TensorFlow.Variables;

namespace NServe.TensorFlow.Tests.Graph;

/// <summary>The two independent ways to find a TF2 variable's checkpoint key agree on every real TF2 model.</summary>
public class VariableMappingTests
{
    public static TheoryData<string> Tf2Models() =>
        [.. SavedModelTestData.Loadable().Where(m => SavedModelReader.Read(SavedModelTestData.PathOf(m)).MetaGraphs[0].ObjectGraphDef is { Nodes.Count: > 0 })];

    [TestDataTheory]
    [MemberData(nameof(Tf2Models))]
    public void ObjectGraphsAndTheRestoreFunctionNameTheSameKeys(string model)
    {
        using var bundle = SavedModelBundle.Load(SavedModelTestData.PathOf(model), MetaGraphSelector.ParseTags("serve"));
        using var checkpoint = TensorBundleReader.Open(SavedModelFiles.VariablesPrefix(bundle.Directory));

        var fromRestore = RestoreGraphMapping.Find(bundle.Nodes, bundle.Library, bundle.MetaGraph.SaverDef);
        var fromObjects = ObjectGraphMapping.Find(bundle.Nodes, bundle.MetaGraph.ObjectGraphDef, checkpoint);

        Assert.NotEmpty(fromObjects);
        foreach (var (variable, slot) in fromObjects)
        {
            Assert.Equal(fromRestore[variable], slot);
        }

        // Every variable a served signature reads is captured by a call the object graph describes.
        var served = bundle.SignatureDefs.Where(s => SavedModelBundle.FetchesTensors(s.Value))
            .SelectMany(s => bundle.Prepare(s.Key).Nodes)
            .Where(n => fromRestore.ContainsKey(n.Name))
            .Select(n => n.Name)
            .ToHashSet();
        Assert.Subset(fromObjects.Keys.ToHashSet(), served);
    }
}
