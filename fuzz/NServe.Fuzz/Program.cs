using NServe.Fuzz;
using NServe.Fuzz.Targets;
using SharpFuzz;

// Targets are made on demand: instrumented code may only run once SharpFuzz has set up its coverage map.
var factories = new Dictionary<string, Func<FuzzTarget>>(StringComparer.Ordinal)
{
    ["rest-json"] = () => new RestJsonTarget(),
    ["text-format"] = () => new TextFormatTarget(),
    ["tensor-bundle"] = () => new TensorBundleTarget(),
    ["tfrecord"] = () => new TfRecordTarget(),
    ["graph-conversion"] = () => new GraphConversionTarget(),
};

if (args.Length == 0 || !factories.TryGetValue(args[0], out var factory))
{
    Console.Error.WriteLine($"usage: NServe.Fuzz TARGET [--seeds DIR [TESTDATA] | --replay FILE|DIR...]; targets: {string.Join(", ", factories.Keys)}");
    return 2;
}

if (args.Length == 1)
{
    // Under afl-fuzz: SharpFuzz speaks the fork-server protocol and reports an escaping exception as a crash.
    FuzzTarget? fuzzed = null;
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        fuzzed ??= factory();
        fuzzed.Run(buffer.ToArray());
    });
    return 0;
}

// Seeding and replay run the uninstrumented build (fuzz/out/plain).
var target = factory();

if (args[1] == "--seeds" && args.Length is 3 or 4)
{
    Directory.CreateDirectory(args[2]);
    var testData = args.Length == 4 && Directory.Exists(args[3]) ? args[3] : null;
    foreach (var (name, bytes) in target.Seeds(testData))
    {
        File.WriteAllBytes(Path.Combine(args[2], name), bytes);
    }

    return 0;
}

if (args[1] == "--replay")
{
    // Runs saved inputs in-process (crash triage, corpus smoke): an unexpected exception ends with its stack trace.
    var files = args.Skip(2).SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p) : [p]).Order(StringComparer.Ordinal);
    int accepted = 0, rejected = 0;
    foreach (var file in files)
    {
        Console.Error.WriteLine(file); // names the input before a crash's stack trace
        if (target.Run(File.ReadAllBytes(file)))
        {
            accepted++;
        }
        else
        {
            rejected++;
        }
    }

    Console.WriteLine($"{target.Name}: {accepted} accepted, {rejected} rejected as documented");
    return 0;
}

Console.Error.WriteLine("unknown arguments: " + string.Join(" ", args.Skip(1)));
return 2;
