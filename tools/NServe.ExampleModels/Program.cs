using NServe.ExampleModels;

// Writes the example models into the folder given (the repository's examples/), as TF Serving model base
// paths: <folder>/<model>/<version>/model.onnx.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: dotnet run --project tools/NServe.ExampleModels -- <examples folder>");
    return 2;
}

var root = args[0];
var models = new (string Name, NServe.Onnx.Building.OnnxModelBuilder Model)[]
{
    ("half_plus_two", HalfPlusTwoModel.Build()),
    ("two_inputs", TwoInputsModel.Build()),
};

foreach (var (name, model) in models)
{
    var path = Path.Combine(root, name, "1", "model.onnx");
    model.Save(path);
    Console.WriteLine($"wrote {path}");
}

return 0;
