using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using NServe.Core.Tensors;
using Tensorflow;

namespace NServe.TensorFlow.Tests.Conversion;

/// <summary>
/// TensorFlow's op semantics without TensorFlow: runs a GraphDef through <c>../shared/tools/tf-oracle</c>
/// (TensorFlow.js CPU kernels under node) and reads its answer. Tests that use it are skipped with
/// <see cref="SkipReason"/> when node, the tool or its npm packages are missing.
/// </summary>
internal static class TfOracle
{
    private static readonly Lazy<string?> Unavailable = new(FindProblem);
    private static readonly Lazy<string?> Script = new(FindScript);

    /// <summary>Why the oracle cannot run here, or null when it can.</summary>
    public static string? SkipReason => Unavailable.Value;

    public static Dictionary<string, TestTensor> Run(GraphDef graph, IReadOnlyDictionary<string, TestTensor> feeds, IReadOnlyList<string> fetches)
    {
        var request = Path.Combine(Path.GetTempPath(), $"tf-oracle-{Guid.NewGuid():N}.json");
        File.WriteAllText(request, Request(graph, feeds, fetches));
        var keep = false;
        try
        {
            var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Script.Value!);
            start.ArgumentList.Add(request);
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            using var answer = JsonDocument.Parse(stdout);
            if (answer.RootElement.TryGetProperty("error", out var error))
            {
                keep = true; // left for reading: the message names it
                throw new InvalidOperationException($"tf-oracle failed on {request}: {error.GetString()}\n{stderr.Result}");
            }

            return fetches.ToDictionary(f => f, f => Read(answer.RootElement.GetProperty(f)));
        }
        finally
        {
            if (!keep)
            {
                File.Delete(request);
            }
        }
    }

    private static string Request(GraphDef graph, IReadOnlyDictionary<string, TestTensor> feeds, IReadOnlyList<string> fetches)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WritePropertyName("graph");
            json.WriteRawValue(JsonFormatter.Default.Format(graph));
            json.WriteStartObject("feeds");
            foreach (var (name, value) in feeds)
            {
                json.WriteStartObject(name);
                json.WriteStartArray("shape");
                foreach (var d in value.Shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteString("dtype", OracleType(value.Type));
                json.WriteStartArray("values");
                if (value.Strings is { } strings)
                {
                    foreach (var s in strings)
                    {
                        json.WriteStringValue(s);
                    }
                }
                else
                {
                    foreach (var n in value.Numbers)
                    {
                        if (value.Type == TensorDataType.Bool)
                        {
                            json.WriteBooleanValue(n != 0);
                        }
                        else
                        {
                            json.WriteNumberValue(n);
                        }
                    }
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteStartArray("fetches");
            foreach (var fetch in fetches)
            {
                json.WriteStringValue(fetch);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string OracleType(TensorDataType type) => type switch
    {
        TensorDataType.Float or TensorDataType.Double or TensorDataType.Half => "float32",
        TensorDataType.Bool => "bool",
        TensorDataType.String => "string",
        _ => "int32",
    };

    private static TestTensor Read(JsonElement element)
    {
        var shape = element.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        var dtype = element.GetProperty("dtype").GetString();
        var values = element.GetProperty("values").EnumerateArray().ToArray();
        if (dtype == "string")
        {
            return TestTensor.Text(shape, values.Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.ToString()).ToArray());
        }

        var numbers = values.Select(v => v.ValueKind switch
        {
            JsonValueKind.True => 1.0,
            JsonValueKind.False => 0.0,
            JsonValueKind.Null => double.NaN, // JSON.stringify writes NaN and Infinity as null
            _ => v.GetDouble(),
        }).ToArray();
        var type = dtype switch { "float32" => TensorDataType.Float, "bool" => TensorDataType.Bool, _ => TensorDataType.Int32 };
        return new TestTensor(type, shape, numbers);
    }

    private static string? FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NServe.slnx")))
            {
                var script = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "tools", "tf-oracle", "run.js"));
                return File.Exists(script) ? script : null;
            }
        }

        return null;
    }

    private static string? FindProblem()
    {
        if (Script.Value is null)
        {
            return "tf-oracle is absent: ../shared/tools/tf-oracle/run.js is not beside the repository";
        }

        var home = Environment.GetEnvironmentVariable("TF_ORACLE_HOME")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "tf-oracle");
        if (!Directory.Exists(Path.Combine(home, "node_modules", "@tensorflow", "tfjs-converter")))
        {
            return $"tf-oracle's npm packages are not installed in {home}: run ../shared/tools/tf-oracle/setup.sh (needs npm)";
        }

        try
        {
            using var node = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
            node.StandardOutput.ReadToEnd();
            node.WaitForExit();
            return node.ExitCode == 0 ? null : "node does not run; tf-oracle needs it";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "node is not installed; tf-oracle needs it";
        }
    }
}

/// <summary>A fact that compares with tf-oracle; skipped with the reason when the oracle cannot run here.</summary>
internal sealed class OracleFactAttribute : FactAttribute
{
    public OracleFactAttribute()
    {
        if (TfOracle.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A theory that compares with tf-oracle; skipped with the reason when the oracle cannot run here.</summary>
internal sealed class OracleTheoryAttribute : TheoryAttribute
{
    public OracleTheoryAttribute()
    {
        if (TfOracle.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
