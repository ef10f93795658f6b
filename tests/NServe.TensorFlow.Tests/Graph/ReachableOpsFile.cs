using System.Text.RegularExpressions;
using NServe.TensorFlow.Tests.Checkpoint;

namespace NServe.TensorFlow.Tests.Graph;

/// <summary>
/// ../shared/testdata/OPS.md: for each public SavedModel, its tags and, per signature, the op types reachable
/// from the signature's inputs to its outputs (through function bodies).
/// </summary>
internal static partial class ReachableOpsFile
{
    public sealed record Entry(string Model, IReadOnlyList<string> Tags, string Signature, IReadOnlySet<string> Ops);

    public static IReadOnlyList<Entry> Read()
    {
        var entries = new List<Entry>();
        if (CheckpointTestData.Root is null)
        {
            return entries;
        }

        string? model = null;
        IReadOnlyList<string> tags = [];
        foreach (var line in File.ReadLines(CheckpointTestData.Path("OPS.md")))
        {
            var header = ModelHeader().Match(line);
            if (header.Success)
            {
                model = header.Groups["model"].Value;
                tags = TagList().Matches(header.Groups["tags"].Value).Select(m => m.Groups[1].Value).ToList();
                continue;
            }

            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                model = null; // the union section
                continue;
            }

            var signature = SignatureLine().Match(line);
            if (model is not null && signature.Success)
            {
                var ops = signature.Groups["ops"].Value.Split(", ").ToHashSet(StringComparer.Ordinal);
                entries.Add(new Entry(model, tags, signature.Groups["key"].Value, ops));
            }
        }

        return entries;
    }

    [GeneratedRegex(@"^## (?<model>\S+)\s+\(tags \[(?<tags>[^\]]*)\]")]
    private static partial Regex ModelHeader();

    [GeneratedRegex(@"'([^']*)'")]
    private static partial Regex TagList();

    [GeneratedRegex(@"^- `(?<key>[^`]+)`: (?<ops>.+)$")]
    private static partial Regex SignatureLine();
}
