using NServe.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NServe.EndToEnd.Tests;

/// <summary>
/// ML.NET's <c>mltd__model_string_test</c> (TF 1.9, no golden answer): <c>Original_A = Reshape(A, [-1, 2])</c> and
/// <c>Joined_Splited_Text = Reshape(ReduceJoin(StringSplit(B, "/").values, axis 0, " "), [-1, 1])</c>, served
/// through the real server. The answers follow TensorFlow's kernels: empty tokens skipped, one joined row.
/// </summary>
public sealed class StringModelTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nserve-e2e-strings-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task SplitsJoinsAndReshapesStrings()
    {
        if (TestPaths.SharedTestData is not { } testData)
        {
            output.WriteLine("SKIPPED: ../shared/testdata is absent.");
            return;
        }

        var basePath = Path.Combine(_root, "strings");
        Directory.CreateDirectory(basePath);
        Directory.CreateSymbolicLink(Path.Combine(basePath, "1"), Path.Combine(testData, "savedmodels", "mltd__model_string_test"));
        await using var server = await ServerProcess.StartAsync("--model_name=strings", $"--model_base_path={basePath}");

        var (status, body) = await Json.PostAsync(server.Http, "/v1/models/strings:predict",
            """{"inputs": {"A": [["a", "b"], ["c", "d"]], "B": ["one/two", "/three//", ""]}}""");
        Assert.True(status == 200, body);
        Assert.Equal("""{"outputs":{"Joined_Splited_Text":[["one two three"]],"Original_A":[["a","b"],["c","d"]]}}""", Compact(body));

        var (emptyStatus, empty) = await Json.PostAsync(server.Http, "/v1/models/strings:predict", """{"inputs": {"A": [["x", "y"]], "B": []}}""");
        Assert.True(emptyStatus == 200, empty);
        Assert.Equal("""{"outputs":{"Joined_Splited_Text":[[""]],"Original_A":[["x","y"]]}}""", Compact(empty));
    }

    /// <summary>The JSON without whitespace outside its strings.</summary>
    private static string Compact(string json)
    {
        var text = new System.Text.StringBuilder(json.Length);
        var inString = false;
        foreach (var c in json)
        {
            if (c == '"')
            {
                inString = !inString;
            }

            if (inString || !char.IsWhiteSpace(c))
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }
}
