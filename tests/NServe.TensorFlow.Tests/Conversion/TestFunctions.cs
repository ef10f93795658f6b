using Tensorflow;

namespace NServe.TensorFlow.Tests.Conversion;

/// <summary>Hand-written FunctionDefs (While/If bodies, called functions), in function naming: <c>node:output_arg:index</c>.</summary>
internal static class TestFunctions
{
    public static FunctionDef Define(string name, (string Name, DataType Type)[] inputs, (string Name, DataType Type)[] outputs, TfGraphBuilder body, params (string Output, string Tensor)[] ret)
    {
        var function = new FunctionDef { Signature = new OpDef { Name = name } };
        function.Signature.InputArg.AddRange(inputs.Select(i => new OpDef.Types.ArgDef { Name = i.Name, Type = i.Type }));
        function.Signature.OutputArg.AddRange(outputs.Select(o => new OpDef.Types.ArgDef { Name = o.Name, Type = o.Type }));
        function.NodeDef.AddRange(body.Nodes.Select(n => n.Clone()));
        foreach (var (output, tensor) in ret)
        {
            function.Ret[output] = tensor;
        }

        return function;
    }
}
