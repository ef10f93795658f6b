using System.Text.Json;
using NServe.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NServe.EndToEnd.Tests;

/// <summary>
/// Damaged copies of real models (docs/reliability.md, "Corrupt models"), all served by one process beside a
/// good ONNX model and a good SavedModel: each damaged version ends in END with an error that names what is
/// wrong, answers predict with 404, and nothing else stops serving; a corrupt version 2 that appears under a
/// serving version 1 leaves version 1 serving.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CorruptModelTests(CorruptModelTests.Server fixture, ITestOutputHelper output) : IClassFixture<CorruptModelTests.Server>
{
    /// <summary>Each damaged model and a piece of the error its status must show.</summary>
    public static TheoryData<string, string> Damaged { get; } = new()
    {
        { "truncated_data", "variables.data" },
        { "flipped_data", "checksum" },
        { "flipped_index", "variables.index" },
        { "garbage_pb", "saved_model.pb" },
        { "empty_pb", "Could not find meta graph def matching supplied tags: { serve }" },
        { "missing_index", "variables.index" },
        { "missing_data", "variables.data" },
        { "unreadable_pb", "saved_model.pb" },
        { "pb_symlink_loop", "saved_model.pb" },
        { "not_onnx", "model.onnx" },
        { "truncated_onnx", "model.onnx" },
    };

    [Theory]
    [MemberData(nameof(Damaged))]
    public async Task A_damaged_version_ends_with_a_clear_error_and_is_not_served(string model, string errorPart)
    {
        if (fixture.SkipReason is { } reason)
        {
            output.WriteLine("SKIPPED: " + reason);
            return;
        }

        if (model == "unreadable_pb" && fixture.ChmodDoesNotBlockReads)
        {
            output.WriteLine("SKIPPED: this process reads files whatever their mode (root), so chmod 000 damages nothing.");
            return;
        }

        var (state, code, message) = await VersionStatusAsync(model, "1");
        output.WriteLine($"{model}: {state} {code} {message}");
        Assert.Equal("END", state);
        Assert.NotEqual("OK", code);
        Assert.Contains(errorPart, message, StringComparison.Ordinal);

        var (status, body) = await Json.PostAsync(fixture.Process.Http, $"/v1/models/{model}:predict", """{"instances": [1.0]}""");
        Assert.Equal(404, status);
        Assert.Equal($"Servable not found for request: Latest({model})", Json.Error(body));
    }

    [Fact]
    public async Task The_good_models_beside_them_keep_serving()
    {
        if (fixture.SkipReason is { } reason)
        {
            output.WriteLine("SKIPPED: " + reason);
            return;
        }

        Assert.Equal(new[] { 2.5, 3.0 }, await PredictAsync("good_onnx", 1.0, 2.0));
        Assert.Equal(new[] { 2.5, 3.0 }, await PredictAsync("good_savedmodel", 1.0, 2.0));
        Assert.False(fixture.Process.HasExited);
    }

    [Fact]
    public async Task A_corrupt_version_2_leaves_version_1_serving()
    {
        if (fixture.SkipReason is { } reason)
        {
            output.WriteLine("SKIPPED: " + reason);
            return;
        }

        Assert.Equal(new[] { 2.5 }, await PredictAsync("growing", 1.0));
        var version2 = Path.Combine(fixture.Root, "growing", "2");
        fixture.CopySavedModel(version2);
        File.WriteAllBytes(Path.Combine(version2, "saved_model.pb"), Garbage(4096));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await VersionStatusAsync("growing", "2")).State != "END")
        {
            Assert.True(DateTime.UtcNow < deadline, "version 2 did not end within 60 s");
            await Task.Delay(200);
        }

        var (_, code, message) = await VersionStatusAsync("growing", "2");
        output.WriteLine($"growing v2: {code} {message}");
        Assert.NotEqual("OK", code);
        Assert.Contains("saved_model.pb", message, StringComparison.Ordinal);
        Assert.Equal("AVAILABLE", (await VersionStatusAsync("growing", "1")).State);
        Assert.Equal(new[] { 2.5, 3.0 }, await PredictAsync("growing", 1.0, 2.0));
        Assert.Equal(new[] { 2.5 }, await PredictAsync("good_onnx", 1.0));
    }

    private async Task<double[]> PredictAsync(string model, params double[] x)
    {
        var (status, body) = await Json.PostAsync(fixture.Process.Http, $"/v1/models/{model}:predict", $$"""{"instances": [{{string.Join(", ", x.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}}]}""");
        Assert.True(status == 200, $"{model}: {status} {body}");
        return Json.Numbers(body, "predictions");
    }

    private async Task<(string State, string Code, string Message)> VersionStatusAsync(string model, string version)
    {
        var (status, body) = await Json.GetAsync(fixture.Process.Http, $"/v1/models/{model}");
        Assert.True(status == 200, $"{model}: {status} {body}");
        using var document = JsonDocument.Parse(body);
        foreach (var entry in document.RootElement.GetProperty("model_version_status").EnumerateArray())
        {
            if (entry.GetProperty("version").GetString() == version)
            {
                var error = entry.GetProperty("status");
                return (entry.GetProperty("state").GetString()!, error.GetProperty("error_code").GetString()!, error.GetProperty("error_message").GetString()!);
            }
        }

        return ("(absent)", "", body);
    }

    private static byte[] Garbage(int length)
    {
        var bytes = new byte[length];
        new Random(1234).NextBytes(bytes);
        return bytes;
    }

    /// <summary>One server over every damaged model, built in a temporary folder from copies of real ones.</summary>
    public sealed class Server : IAsyncLifetime
    {
        private const string SavedModelName = "saved_model_half_plus_two_cpu";

        public string Root { get; } = Directory.CreateTempSubdirectory("nserve-e2e-corrupt-").FullName;

        public ServerProcess Process { get; private set; } = null!;

        /// <summary>Why the tests cannot run here (no shared test data), or null.</summary>
        public string? SkipReason { get; private set; }

        /// <summary>True when a chmod 000 file can still be read (running as root).</summary>
        public bool ChmodDoesNotBlockReads { get; private set; }

        private string? SavedModelSource => TestPaths.SharedTestData is { } data ? Path.Combine(data, "tfserving", SavedModelName, "00000123") : null;

        public async Task InitializeAsync()
        {
            if (SavedModelSource is not { } source || !Directory.Exists(source))
            {
                SkipReason = $"../shared/testdata/tfserving/{SavedModelName} is absent.";
                return;
            }

            var onnx = Path.Combine(TestPaths.Examples, "half_plus_two", "1", "model.onnx");
            Version("good_onnx", v => File.Copy(onnx, Path.Combine(v, "model.onnx")));
            Version("good_savedmodel", CopySavedModel);
            Version("growing", CopySavedModel);
            Version("truncated_data", v => { CopySavedModel(v); Truncate(DataFile(v), 10); });
            Version("flipped_data", v => { CopySavedModel(v); Flip(DataFile(v), 4); });
            Version("flipped_index", v => { CopySavedModel(v); Flip(IndexFile(v), 20); });
            Version("garbage_pb", v => { CopySavedModel(v); File.WriteAllBytes(Path.Combine(v, "saved_model.pb"), Garbage(4096)); });
            Version("empty_pb", v => { CopySavedModel(v); File.WriteAllBytes(Path.Combine(v, "saved_model.pb"), []); });
            Version("missing_index", v => { CopySavedModel(v); File.Delete(IndexFile(v)); });
            Version("missing_data", v => { CopySavedModel(v); File.Delete(DataFile(v)); });
            Version("pb_symlink_loop", v =>
            {
                CopySavedModel(v);
                var pb = Path.Combine(v, "saved_model.pb");
                File.Delete(pb);
                File.CreateSymbolicLink(pb, pb);
            });
            Version("unreadable_pb", v =>
            {
                CopySavedModel(v);
                var pb = Path.Combine(v, "saved_model.pb");
                File.SetUnixFileMode(pb, UnixFileMode.None);
                ChmodDoesNotBlockReads = CanRead(pb);
            });
            Version("not_onnx", v => File.WriteAllText(Path.Combine(v, "model.onnx"), "this is not an ONNX model"));
            Version("truncated_onnx", v =>
            {
                var bytes = File.ReadAllBytes(onnx);
                File.WriteAllBytes(Path.Combine(v, "model.onnx"), bytes[..(bytes.Length / 2)]);
            });

            var names = new[]
            {
                "good_onnx", "good_savedmodel", "growing", "truncated_data", "flipped_data", "flipped_index", "garbage_pb", "empty_pb",
                "missing_index", "missing_data", "pb_symlink_loop", "unreadable_pb", "not_onnx", "truncated_onnx",
            };
            var config = Path.Combine(Root, "models.config");
            File.WriteAllText(config, "model_config_list {\n" + string.Concat(names.Select(n => $"  config {{ name: '{n}' base_path: '{Path.Combine(Root, n)}' }}\n")) + "}\n");
            Process = await ServerProcess.StartAsync($"--model_config_file={config}", "--file_system_poll_wait_seconds=1");
        }

        public async Task DisposeAsync()
        {
            if (Process is not null)
            {
                await Process.DisposeAsync();
            }

            Directory.Delete(Root, recursive: true);
        }

        /// <summary>Copies the SavedModel into <paramref name="version"/>, writable (the shared copy is read-only).</summary>
        public void CopySavedModel(string version)
        {
            var source = SavedModelSource!;
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(version, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
                File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        private void Version(string model, Action<string> fill)
        {
            var version = Path.Combine(Root, model, "1");
            Directory.CreateDirectory(version);
            fill(version);
        }

        private static string DataFile(string version) => Path.Combine(version, "variables", "variables.data-00000-of-00001");

        private static string IndexFile(string version) => Path.Combine(version, "variables", "variables.index");

        private static void Truncate(string path, int length)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
            stream.SetLength(length);
        }

        private static void Flip(string path, int offset)
        {
            var bytes = File.ReadAllBytes(path);
            bytes[offset] ^= 0xFF;
            File.WriteAllBytes(path, bytes);
        }

        private static bool CanRead(string path)
        {
            try
            {
                using var stream = File.OpenRead(path);
                return true;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        }
    }
}
