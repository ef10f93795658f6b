using NServe.TensorFlow.Checkpoint;
using NServe.TensorFlow.Graph;
using Tensorflow;

namespace NServe.TensorFlow.Variables;

/// <summary>
/// Maps TF2 variables to checkpoint keys through the object graphs, independently of the restore function: a
/// graph call of a concrete function passes the function's captured variables as its last inputs, the
/// SavedObjectGraph lists those captures as <c>bound_inputs</c> (object node ids), and the checkpoint's own
/// object graph (<c>_CHECKPOINTABLE_OBJECT_GRAPH</c>, a TrackableObjectGraph with the same node ids) names the
/// key each object's <c>VARIABLE_VALUE</c> is saved under.
/// </summary>
internal static class ObjectGraphMapping
{
    public const string ObjectGraphKey = "_CHECKPOINTABLE_OBJECT_GRAPH";
    private const string VariableValueAttribute = "VARIABLE_VALUE";

    /// <summary>Checkpoint slots by VarHandleOp node name, for variables captured by the graph's function calls.</summary>
    public static Dictionary<string, CheckpointSlot> Find(
        IReadOnlyDictionary<string, NodeDef> graph,
        SavedObjectGraph? objectGraph,
        TensorBundleReader? checkpoint)
    {
        var slots = new Dictionary<string, CheckpointSlot>(StringComparer.Ordinal);
        if (objectGraph is null || objectGraph.ConcreteFunctions.Count == 0 || checkpoint is null || !checkpoint.Contains(ObjectGraphKey))
        {
            return slots;
        }

        TrackableObjectGraph trackables;
        using (var serialized = checkpoint.Read(ObjectGraphKey))
        {
            if (serialized.Strings.Length != 1)
            {
                throw CheckpointException.Corrupt(checkpoint.IndexPath, $"{ObjectGraphKey} is not a scalar string");
            }

            try
            {
                trackables = TrackableObjectGraph.Parser.ParseFrom(serialized.Strings[0]);
            }
            catch (Google.Protobuf.InvalidProtocolBufferException e)
            {
                throw CheckpointException.Corrupt(checkpoint.IndexPath, $"{ObjectGraphKey} is not a TrackableObjectGraph: {e.Message}", e);
            }
        }

        foreach (var node in graph.Values)
        {
            var function = node.Op is "PartitionedCall" or "StatefulPartitionedCall" && node.Attr.TryGetValue("f", out var f) ? f.Func?.Name : node.Op;
            if (function is null || !objectGraph.ConcreteFunctions.TryGetValue(function, out var concrete) || concrete.BoundInputs.Count == 0)
            {
                continue;
            }

            var inputs = node.Input.Where(i => !i.StartsWith('^')).ToList();
            var first = inputs.Count - concrete.BoundInputs.Count;
            for (var j = 0; j < concrete.BoundInputs.Count && first >= 0; j++)
            {
                var objectId = concrete.BoundInputs[j];
                var variable = TraceVariable(graph, inputs[first + j]);
                if (variable is null || objectId < 0 || objectId >= trackables.Nodes.Count)
                {
                    continue;
                }

                var attribute = trackables.Nodes[objectId].Attributes.FirstOrDefault(a => a.Name == VariableValueAttribute);
                if (attribute is not null)
                {
                    slots.TryAdd(variable.Name, new CheckpointSlot(attribute.CheckpointKey, ""));
                }
            }
        }

        return slots;
    }

    private static NodeDef? TraceVariable(IReadOnlyDictionary<string, NodeDef> graph, string tensor)
    {
        for (var hops = 0; hops < 64 && graph.TryGetValue(TensorName.NodeOf(tensor), out var node); hops++)
        {
            if (VariableOps.IsVariable(node.Op))
            {
                return node;
            }

            if (!VariableOps.IsPassThrough(node.Op) || node.Input.Count == 0)
            {
                return null;
            }

            tensor = node.Input[0];
        }

        return null;
    }
}
