using Google.Protobuf;
using Google.Protobuf.Reflection;
using NServe.Core.Config.TextFormat;
using Xunit.Abstractions;

namespace NServe.Core.Tests.Config;

/// <summary>
/// Randomly damaged versions of the conformance inputs (seeded, so failures reproduce), each parsed by our
/// reader and by protoc: both must accept with equal results, or both reject with the same first error.
/// </summary>
public sealed class TextFormatMutationTests(ITestOutputHelper output)
{
    private const string Alphabet = "{}<>[]:;,\"'\\#-.+0123456789abcefnxuUtTLR_ \n\t";

    [ProtocTheory]
    [InlineData(1, 150)]
    [InlineData(2, 150)]
    public void DamagedInputsFailOrSucceedAsProtocDoes(int seed, int count)
    {
        var random = new Random(seed);
        (string Type, string Text)[] corpus = [.. TextFormatConformanceTests.Cases().Select(row => (Type: (string)row[0], Text: (string)row[1])).Where(c => c.Text.Length > 0)];
        var mismatches = new List<string>();

        for (int i = 0; i < count; i++)
        {
            (string type, string original) = corpus[random.Next(corpus.Length)];
            string text = Mutate(original, random);
            MessageDescriptor descriptor = TextFormatConformanceTests.TypeNamed(type);
            (byte[]? binary, string? expectedError) = ProtocReference.Encode(descriptor.FullName, descriptor.File.Name, text);

            string? actualError = null;
            IMessage? parsed = null;
            try
            {
                parsed = TextFormatParser.Parse(descriptor, text);
            }
            catch (TextFormatException e)
            {
                actualError = e.Message;
            }

            bool knownDifference = expectedError is null && actualError is not null
                && (actualError.Contains("invalid UTF-8", StringComparison.Ordinal) || actualError.StartsWith("Message missing required fields", StringComparison.Ordinal));
            bool same = expectedError is null
                ? actualError is null && descriptor.Parser.ParseFrom(binary!).Equals(parsed)
                : expectedError == actualError;
            if (!same && !knownDifference)
            {
                mismatches.Add($"[{type}] {Escape(text)}\n    protoc: {expectedError ?? "ok"}\n    ours:   {actualError ?? "ok"}");
            }
        }

        foreach (string mismatch in mismatches)
        {
            output.WriteLine(mismatch);
        }

        Assert.Empty(mismatches);
    }

    private static string Mutate(string text, Random random)
    {
        var chars = new List<char>(text);
        int edits = 1 + random.Next(3);
        for (int e = 0; e < edits; e++)
        {
            int at = random.Next(chars.Count + 1);
            switch (random.Next(3))
            {
                case 0 when at < chars.Count:
                    chars.RemoveAt(at);
                    break;
                case 1:
                    chars.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
                    break;
                default:
                    int length = Math.Min(random.Next(1, 8), chars.Count - Math.Min(at, chars.Count));
                    chars.InsertRange(at, chars.GetRange(Math.Min(at, chars.Count), length));
                    break;
            }
        }

        return new string([.. chars]);
    }

    private static string Escape(string text) => text.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);
}
