using NServe.Fuzz;
using NServe.Fuzz.Targets;
using SharpFuzz;

FuzzTarget[] targets =
[
    new RestJsonTarget(), new TextFormatTarget(), new TensorBundleTarget(), new TfRecordTarget(), new GraphConversionTarget(),
];

var target = args.Length > 0 ? targets.FirstOrDefault(t => t.Name == args[0]) : null;
if (target is null)
{
    Console.Error.WriteLine($"usage: NServe.Fuzz TARGET [--seeds DIR [TESTDATA] | --replay FILE|DIR...]; targets: {string.Join(", ", targets.Select(t => t.Name))}");
    return 2;
}

if (args.Length == 1)
{
    // Under afl-fuzz: SharpFuzz speaks the fork-server protocol and reports an escaping exception as a crash.
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        target.Run(buffer.ToArray());
    });
    return 0;
}

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
