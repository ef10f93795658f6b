using System.Globalization;
using System.Text;
using System.Text.Json;
using NServe.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NServe.EndToEnd.Tests;

/// <summary>
/// Every golden answer in ../shared/testdata/golden (real SavedModels written by real TensorFlow) through
/// the real server: REST predict, columnar inputs, the golden's signature; floats compared with rtol 1e-3,
/// atol 1e-4. Prints the pass count and each failure's reason.
/// </summary>
public sealed class GoldenTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>
    /// The floor this suite must keep: the number of goldens passing when it was last raised. Raise it as
    /// the converter grows; the issue's aim is at least 90% of all goldens (docs/compatibility.md).
    /// </summary>
    private const int MinimumPassing = 24;

    private readonly string _root = Directory.CreateTempSubdirectory("nserve-e2e-golden-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private sealed record Golden(string Model, string File, string Signature, string[]? Tags, JsonElement Inputs, JsonElement Outputs);

    [Fact]
    public async Task GoldenAnswersMatch()
    {
        if (TestPaths.SharedTestData is not { } testData)
        {
            output.WriteLine("SKIPPED: ../shared/testdata is absent; golden answers cannot be checked.");
            return;
        }

        var goldens = Directory.EnumerateFiles(Path.Combine(testData, "golden"), "*.json", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(file =>
            {
                using var document = JsonDocument.Parse(File.ReadAllText(file));
                var root = document.RootElement.Clone();
                var tags = root.GetProperty("tags").ValueKind == JsonValueKind.Null
                    ? null
                    : root.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToArray();
                return new Golden(Path.GetFileName(Path.GetDirectoryName(file))!, file, root.GetProperty("signature").GetString()!, tags, root.GetProperty("inputs"), root.GetProperty("outputs"));
            })
            .ToList();

        var failures = new List<string>();
        var passed = 0;

        // --saved_model_tags is server-wide, so one server per tag set.
        foreach (var group in goldens.GroupBy(g => g.Tags is null ? "serve" : string.Join(",", g.Tags)))
        {
            var config = new StringBuilder("model_config_list {\n");
            foreach (var model in group.Select(g => g.Model).Distinct())
            {
                var basePath = Path.Combine(_root, model);
                Directory.CreateDirectory(basePath);
                Directory.CreateSymbolicLink(Path.Combine(basePath, "1"), Path.Combine(testData, "savedmodels", model));
                config.Append(CultureInfo.InvariantCulture, $"  config {{ name: '{model}' base_path: '{basePath}' }}\n");
            }

            var configPath = Path.Combine(_root, $"models-{group.Key.Replace(',', '_')}.config");
            File.WriteAllText(configPath, config.Append("}\n").ToString());
            await using var server = await ServerProcess.StartAsync($"--model_config_file={configPath}", $"--saved_model_tags={group.Key}");
            foreach (var golden in group)
            {
                var reason = await CheckAsync(server, golden);
                if (reason is null)
                {
                    passed++;
                }
                else
                {
                    failures.Add($"{golden.Model}/{golden.Signature}: {reason}");
                }
            }
        }

        output.WriteLine($"{passed} of {goldens.Count} goldens pass");
        foreach (var failure in failures)
        {
            output.WriteLine("FAIL " + failure);
        }

        Assert.True(passed >= MinimumPassing, $"{passed} of {goldens.Count} goldens pass; at least {MinimumPassing} must:\n{string.Join("\n", failures)}");
    }

    private static async Task<string?> CheckAsync(ServerProcess server, Golden golden)
    {
        var request = new StringBuilder();
        request.Append("{\"signature_name\": ").Append(JsonSerializer.Serialize(golden.Signature)).Append(", \"inputs\": {");
        var first = true;
        foreach (var input in golden.Inputs.EnumerateObject())
        {
            request.Append(first ? "" : ", ").Append(JsonSerializer.Serialize(input.Name)).Append(": ");
            var shape = input.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
            var values = input.Value.GetProperty("values").EnumerateArray().Select(v => v.GetRawText()).ToArray();
            var index = 0;
            AppendNested(request, shape, 0, values, ref index);
            first = false;
        }

        request.Append("}}");
        var (status, body) = await Json.PostAsync(server.Http, $"/v1/models/{golden.Model}:predict", request.ToString());
        if (status != 200)
        {
            return $"HTTP {status}: {Truncate(body)}";
        }

        using var document = JsonDocument.Parse(body);
        var outputs = document.RootElement.GetProperty("outputs");
        var expected = golden.Outputs.EnumerateObject().ToList();
        foreach (var output in expected)
        {
            var actual = expected.Count == 1 && outputs.ValueKind != JsonValueKind.Object
                ? outputs
                : outputs.TryGetProperty(output.Name, out var named) ? named : default;
            if (actual.ValueKind == JsonValueKind.Undefined)
            {
                return $"output {output.Name} missing in {Truncate(body)}";
            }

            var got = Flatten(actual);
            var want = output.Value.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            if (got.Count != want.Length)
            {
                return $"output {output.Name} has {got.Count} values, expected {want.Length}";
            }

            for (var i = 0; i < want.Length; i++)
            {
                if (Math.Abs(got[i] - want[i]) > 1e-4 + (1e-3 * Math.Abs(want[i])))
                {
                    return $"output {output.Name}[{i}] = {got[i]}, expected {want[i]}";
                }
            }
        }

        return null;
    }

    private static void AppendNested(StringBuilder json, int[] shape, int dimension, string[] values, ref int index)
    {
        if (dimension == shape.Length)
        {
            json.Append(values[index++]);
            return;
        }

        json.Append('[');
        for (var i = 0; i < shape[dimension]; i++)
        {
            json.Append(i == 0 ? "" : ", ");
            AppendNested(json, shape, dimension + 1, values, ref index);
        }

        json.Append(']');
    }

    private static List<double> Flatten(JsonElement element)
    {
        var values = new List<double>();
        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in e.EnumerateArray())
                {
                    Walk(item);
                }
            }
            else if (e.ValueKind == JsonValueKind.True || e.ValueKind == JsonValueKind.False)
            {
                values.Add(e.GetBoolean() ? 1 : 0);
            }
            else
            {
                values.Add(e.GetDouble());
            }
        }

        Walk(element);
        return values;
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "...";
}
