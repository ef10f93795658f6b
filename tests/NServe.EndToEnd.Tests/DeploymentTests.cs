using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Text;
using System.Text.RegularExpressions;
using NServe.EndToEnd.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace NServe.EndToEnd.Tests;

/// <summary>
/// deploy/: the image's entrypoint script run directly with bash against the built server (there is no
/// Docker engine here), the Kubernetes and KServe manifests parsed with YamlDotNet and checked against
/// what the server really serves, and the Dockerfile's lines checked against the script.
/// Linux only, as the image: bash, /proc and an executable wrapper file.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DeploymentTests : IDisposable
{
    private static readonly string Deploy = Path.Combine(TestPaths.RepositoryRoot, "deploy");

    private static readonly string Entrypoint = Path.Combine(Deploy, "nserve_entrypoint.sh");

    private readonly string _root = Directory.CreateTempSubdirectory("nserve-e2e-deploy-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    // ---------------------------------------------------------------- the entrypoint script

    [Fact]
    public async Task EntrypointServesModelNameFromModelBasePath()
    {
        // Not the example's own name, so the model can only have been found at MODEL_BASE_PATH/MODEL_NAME.
        var models = Path.Combine(_root, "models");
        CopyHalfPlusTwo(Path.Combine(models, "halving"));
        await using var server = await EntrypointServer.StartAsync(_root, new() { ["MODEL_NAME"] = "halving", ["MODEL_BASE_PATH"] = models },
            "--file_system_poll_wait_seconds=1");

        var (status, body) = await Json.PostAsync(server.Http, "/v1/models/halving:predict", """{"instances": [1.0, 2.0, 5.0]}""");
        Assert.True(status == 200, body);
        Assert.Equal([2.5, 3.0, 4.5], Json.Numbers(body, "predictions"));
    }

    [Fact]
    public async Task EntrypointExecsTheServerWithExtraFlagsLast()
    {
        var models = Path.Combine(_root, "models");
        CopyHalfPlusTwo(Path.Combine(models, "half_plus_two"));
        await using var server = await EntrypointServer.StartAsync(_root, new() { ["MODEL_NAME"] = "half_plus_two", ["MODEL_BASE_PATH"] = models },
            "--file_system_poll_wait_seconds=1");

        // exec: the process bash was started as is now the server itself, so SIGTERM reaches it directly.
        var command = server.CommandLine();
        Assert.Equal("dotnet", Path.GetFileName(command[0]));
        Assert.Equal(TestPaths.ServerDll, command[1]);
        Assert.Equal(
            ["--port=8500", "--rest_api_port=8501", "--model_name=half_plus_two", $"--model_base_path={models}/half_plus_two",
             "--file_system_poll_wait_seconds=1", $"--port={server.GrpcPort}", $"--rest_api_port={server.RestPort}"],
            command[2..]);
    }

    [Fact]
    public async Task EntrypointDefaultsModelNameToModel()
    {
        CopyHalfPlusTwo(Path.Combine(_root, "model"));
        await using var server = await EntrypointServer.StartAsync(_root, new() { ["MODEL_NAME"] = null, ["MODEL_BASE_PATH"] = _root });

        var (status, body) = await Json.PostAsync(server.Http, "/v1/models/model:predict", """{"instances": [4.0]}""");
        Assert.True(status == 200, body);
        Assert.Equal([4.0], Json.Numbers(body, "predictions"));
    }

    [Fact]
    public async Task EntrypointLetsAModelConfigFileReplaceTheSingleModel()
    {
        // TF Serving's documented `docker run ... tensorflow/serving --model_config_file=...`: the
        // entrypoint's --model_name/--model_base_path (here naming nothing that exists) are ignored.
        CopyHalfPlusTwo(Path.Combine(_root, "first"));
        LinearModel.Write(Path.Combine(_root, "second", "1"), 3, 1);
        var config = Path.Combine(_root, "models.config");
        File.WriteAllText(config, $$"""
            model_config_list {
              config { name: 'first' base_path: '{{Path.Combine(_root, "first")}}' }
              config { name: 'second' base_path: '{{Path.Combine(_root, "second")}}' }
            }
            """);
        await using var server = await EntrypointServer.StartAsync(_root, new() { ["MODEL_NAME"] = null, ["MODEL_BASE_PATH"] = Path.Combine(_root, "absent") },
            $"--model_config_file={config}");

        var (firstStatus, first) = await Json.PostAsync(server.Http, "/v1/models/first:predict", """{"instances": [2.0]}""");
        var (secondStatus, second) = await Json.PostAsync(server.Http, "/v1/models/second:predict", """{"instances": [2.0]}""");
        Assert.True(firstStatus == 200 && secondStatus == 200, first + second);
        Assert.Equal([3.0], Json.Numbers(first, "predictions"));
        Assert.Equal([7.0], Json.Numbers(second, "predictions"));
    }

    [Fact]
    public async Task TheDeploymentsProbePathsAnswer200OnTheRestPort()
    {
        var models = Path.Combine(_root, "models");
        CopyHalfPlusTwo(Path.Combine(models, "half_plus_two"));
        await using var server = await EntrypointServer.StartAsync(_root, new() { ["MODEL_NAME"] = "half_plus_two", ["MODEL_BASE_PATH"] = models });

        var container = DeploymentContainer();
        foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
        {
            var path = Text(Get(Get(container, probe), "httpGet"), "path");
            var (status, body) = await Json.GetAsync(server.Http, path);
            Assert.True(status == 200, $"{probe} {path}: {status} {body}");
        }
    }

    // ---------------------------------------------------------------- Kubernetes manifests

    [Fact]
    public void DeploymentProbesTheHealthEndpointsOnTheRestPort()
    {
        var container = DeploymentContainer();
        Assert.Equal(["8500", "8501"], Items(container, "ports").Select(p => Text(p, "containerPort")).Order());
        Assert.Equal("/v2/health/ready", Text(Get(Get(container, "readinessProbe"), "httpGet"), "path"));
        Assert.Equal("8501", Text(Get(Get(container, "readinessProbe"), "httpGet"), "port"));
        Assert.Equal("/v2/health/live", Text(Get(Get(container, "livenessProbe"), "httpGet"), "path"));
        Assert.Equal("8501", Text(Get(Get(container, "livenessProbe"), "httpGet"), "port"));
        Assert.Equal("8501", Text(Get(Get(container, "startupProbe"), "httpGet"), "port"));
    }

    [Fact]
    public void DeploymentGivesShutdownMoreTimeThanTheServersGracePeriod()
    {
        var deployment = LoadYaml("k8s/deployment.yaml");
        var pod = Get(Get(deployment, "spec"), "template");
        var container = DeploymentContainer();
        var grace = Args(container).Select(a => FlagValue(a, "shutdown_grace_period_seconds")).OfType<string>().LastOrDefault() ?? "30";
        var preStopSleep = ((YamlSequenceNode)Get(Get(Get(Get(container, "lifecycle"), "preStop"), "exec"), "command")).Children
            .Select(c => ((YamlScalarNode)c).Value!).ToArray();
        Assert.Equal("sleep", preStopSleep[0]);

        var budget = Number(Text(Get(pod, "spec"), "terminationGracePeriodSeconds"));
        Assert.True(budget > Number(preStopSleep[1]) + Number(grace), $"terminationGracePeriodSeconds {budget} leaves no room for preStop {preStopSleep[1]} s + grace {grace} s");
    }

    [Fact]
    public void DeploymentMountsTheModelsWhereTheEntrypointLooks()
    {
        var deployment = LoadYaml("k8s/deployment.yaml");
        var podSpec = Get(Get(Get(deployment, "spec"), "template"), "spec");
        var container = DeploymentContainer();
        var env = Items(container, "env").ToDictionary(e => Text(e, "name"), e => Text(e, "value"));
        Assert.False(string.IsNullOrEmpty(env["MODEL_NAME"]));
        var basePath = env.GetValueOrDefault("MODEL_BASE_PATH", "/models");

        var mount = Items(container, "volumeMounts").Single(m => Text(m, "mountPath") == basePath);
        Assert.Contains(Items(podSpec, "volumes"), v => Text(v, "name") == Text(mount, "name"));
        Assert.False(string.IsNullOrEmpty(Text(Get(Get(container, "resources"), "requests"), "cpu")));
    }

    [Fact]
    public void DeploymentSelectsItsOwnPods()
    {
        var spec = Get(LoadYaml("k8s/deployment.yaml"), "spec");
        var podLabels = Labels(Get(Get(spec, "template"), "metadata"));
        foreach (var (key, value) in ScalarMap(Get(Get(spec, "selector"), "matchLabels")))
        {
            Assert.Equal(value, podLabels[key]);
        }
    }

    [Fact]
    public void ServiceNamesTheGrpcAndHttpPortsOfThePods()
    {
        var service = LoadYaml("k8s/service.yaml");
        Assert.Equal("Service", Text(service, "kind"));
        var ports = Items(Get(service, "spec"), "ports").ToDictionary(p => Text(p, "name"), p => (Text(p, "port"), Text(p, "targetPort")));
        Assert.Equal(("8500", "8500"), ports["grpc"]);
        Assert.Equal(("8501", "8501"), ports["http"]);

        var podLabels = Labels(Get(Get(Get(LoadYaml("k8s/deployment.yaml"), "spec"), "template"), "metadata"));
        foreach (var (key, value) in ScalarMap(Get(Get(service, "spec"), "selector")))
        {
            Assert.Equal(value, podLabels[key]);
        }
    }

    [Fact]
    public void HpaScalesTheDeploymentOnCpu()
    {
        var hpa = LoadYaml("k8s/hpa.yaml");
        Assert.Equal("autoscaling/v2", Text(hpa, "apiVersion"));
        Assert.Equal("HorizontalPodAutoscaler", Text(hpa, "kind"));
        var spec = Get(hpa, "spec");
        var deployment = LoadYaml("k8s/deployment.yaml");
        Assert.Equal("Deployment", Text(Get(spec, "scaleTargetRef"), "kind"));
        Assert.Equal(Text(Get(deployment, "metadata"), "name"), Text(Get(spec, "scaleTargetRef"), "name"));
        Assert.True(Number(Text(spec, "minReplicas")) <= Number(Text(spec, "maxReplicas")));

        var metric = Items(spec, "metrics").Single();
        Assert.Equal("Resource", Text(metric, "type"));
        Assert.Equal("cpu", Text(Get(metric, "resource"), "name"));
        Assert.Equal("Utilization", Text(Get(Get(metric, "resource"), "target"), "type"));
    }

    // ---------------------------------------------------------------- KServe

    [Fact]
    public void ServingRuntimeServesTensorflowAndOnnxOverV1AndV2()
    {
        var runtime = LoadYaml("kserve/servingruntime.yaml");
        Assert.Equal("serving.kserve.io/v1alpha1", Text(runtime, "apiVersion"));
        Assert.Equal("ServingRuntime", Text(runtime, "kind"));
        var spec = Get(runtime, "spec");
        Assert.Equal(["onnx", "tensorflow"], Items(spec, "supportedModelFormats").Select(f => Text(f, "name")).Distinct().Order());
        Assert.Equal(["v1", "v2"], ((YamlSequenceNode)Get(spec, "protocolVersions")).Children.Select(p => ((YamlScalarNode)p).Value!).Order());

        var container = Items(spec, "containers").Single();
        Assert.Equal("kserve-container", Text(container, "name"));
        Assert.Equal(ImageBinary(), ((YamlScalarNode)((YamlSequenceNode)Get(container, "command")).Children.Single()).Value);
        var args = Args(container);
        Assert.Contains("--model_name={{.Name}}", args);
        Assert.Contains("--model_base_path=/mnt/models", args);
        var restPort = args.Select(a => FlagValue(a, "rest_api_port")).OfType<string>().Single();
        Assert.Equal(restPort, Text(Items(container, "ports").Single(), "containerPort"));
    }

    [Fact]
    public async Task ManifestFlagsAreFlagsTheServerActsOn()
    {
        var (exit, help) = await ServerProcess.RunToExitAsync("--help");
        Assert.Equal(0, exit);
        var flags = Args(DeploymentContainer()).Concat(Args(Items(Get(LoadYaml("kserve/servingruntime.yaml"), "spec"), "containers").Single()))
            .Concat(EntrypointFixedFlags());
        foreach (var flag in flags)
        {
            var name = Regex.Match(flag, "^--([a-z_0-9]+)=").Groups[1].Value;
            var line = help.Split('\n').SingleOrDefault(l => l.TrimStart().StartsWith($"--{name}=", StringComparison.Ordinal));
            Assert.True(line is not null, $"{flag}: nserve --help has no such flag");
            Assert.DoesNotContain("no effect", line, StringComparison.Ordinal);
        }
    }

    // ---------------------------------------------------------------- Dockerfile (text only: no Docker here)

    [Fact]
    public void DockerfileExposesTheEntrypointsPortsAndTfServingsEnvironment()
    {
        var lines = DockerfileInstructions();
        var fixedFlags = EntrypointFixedFlags();
        var exposed = lines.Where(l => l.StartsWith("EXPOSE ", StringComparison.Ordinal)).SelectMany(l => l[7..].Split(' ', StringSplitOptions.RemoveEmptyEntries)).Order();
        Assert.Equal(new[] { FlagValue(fixedFlags[0], "port"), FlagValue(fixedFlags[1], "rest_api_port") }.Order(), exposed);

        var env = lines.Where(l => l.StartsWith("ENV ", StringComparison.Ordinal))
            .SelectMany(l => l[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);
        Assert.Equal("model", env["MODEL_NAME"]);
        Assert.Equal("/models", env["MODEL_BASE_PATH"]);
    }

    [Fact]
    public void DockerfileRunsTheEntrypointScriptAndThePublishedServerAsNonRoot()
    {
        var lines = DockerfileInstructions();
        Assert.Equal(["FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", "FROM mcr.microsoft.com/dotnet/aspnet:10.0"],
            lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)));

        // ENTRYPOINT ["X"], where X is where the script is copied to.
        var entrypoint = Regex.Match(lines.Single(l => l.StartsWith("ENTRYPOINT ", StringComparison.Ordinal)), "^ENTRYPOINT \\[\"([^\"]+)\"\\]$").Groups[1].Value;
        Assert.Contains(lines, l => l.StartsWith("COPY ", StringComparison.Ordinal) && l.EndsWith($" deploy/nserve_entrypoint.sh {entrypoint}", StringComparison.Ordinal));

        // The publish output lands where the script's default NSERVE_BIN looks.
        var publish = Regex.Match(string.Join('\n', lines), "dotnet publish src/NServe.Server -c Release -o (\\S+)").Groups[1].Value;
        Assert.NotEmpty(publish);
        var copy = Regex.Match(string.Join('\n', lines), $"COPY --from=build {Regex.Escape(publish)}/? (\\S+)").Groups[1].Value;
        Assert.Equal(ImageBinary(), copy.TrimEnd('/') + "/nserve");

        var user = lines.Last(l => l.StartsWith("USER ", StringComparison.Ordinal))[5..];
        Assert.DoesNotContain(user, new[] { "root", "0", "0:0" });
        Assert.True(lines.IndexOf(lines.Last(l => l.StartsWith("USER ", StringComparison.Ordinal))) > lines.FindLastIndex(l => l.StartsWith("RUN ", StringComparison.Ordinal)),
            "USER comes after the last RUN, so the server does not run as root");
    }

    [Fact]
    public void DockerfileCopiesOnlyWhatExistsAndIgnoresBuildOutput()
    {
        foreach (var line in DockerfileInstructions().Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from=", StringComparison.Ordinal)))
        {
            var sources = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).SkipLast(1);
            foreach (var source in sources)
            {
                var path = Path.Combine(TestPaths.RepositoryRoot, source);
                Assert.True(File.Exists(path) || Directory.Exists(path), $"{line}: {source} is not in the repository");
            }
        }

        var ignored = File.ReadAllLines(Path.Combine(Deploy, "Dockerfile.dockerignore")).Select(l => l.Trim());
        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
    }

    // ---------------------------------------------------------------- helpers

    private static void CopyHalfPlusTwo(string modelFolder)
    {
        Directory.CreateDirectory(Path.Combine(modelFolder, "1"));
        File.Copy(Path.Combine(TestPaths.Examples, "half_plus_two", "1", "model.onnx"), Path.Combine(modelFolder, "1", "model.onnx"));
    }

    /// <summary>The flags the script always passes before "$@" (the part of its exec line between the binary and "$@").</summary>
    private static string[] EntrypointFixedFlags()
    {
        var script = File.ReadAllText(Entrypoint);
        var exec = Regex.Match(script, "^exec \"\\$\\{NSERVE_BIN:-[^}]+\\}\"(.*?)\"\\$@\"", RegexOptions.Multiline | RegexOptions.Singleline).Groups[1].Value;
        return [.. Regex.Matches(exec, "--[a-z_]+=\\S+").Select(m => m.Value)];
    }

    /// <summary>The binary the script runs by default, i.e. in the image.</summary>
    private static string ImageBinary() =>
        Regex.Match(File.ReadAllText(Entrypoint), "\\$\\{NSERVE_BIN:-([^}]+)\\}").Groups[1].Value;

    /// <summary>The Dockerfile's instructions, comments dropped and continuation lines joined.</summary>
    private static List<string> DockerfileInstructions()
    {
        var instructions = new List<string>();
        var current = new StringBuilder();
        foreach (var raw in File.ReadAllLines(Path.Combine(Deploy, "Dockerfile")))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && current.Length == 0))
            {
                continue;
            }

            var continues = line.EndsWith('\\');
            current.Append(continues ? line[..^1] : line).Append(continues ? " " : "");
            if (!continues)
            {
                instructions.Add(Regex.Replace(current.ToString().Trim(), "\\s+", " "));
                current.Clear();
            }
        }

        return instructions;
    }

    private static string? FlagValue(string argument, string flag) =>
        argument.StartsWith($"--{flag}=", StringComparison.Ordinal) ? argument[(flag.Length + 3)..] : null;

    private static int Number(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    private static YamlMappingNode LoadYaml(string relativePath)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Deploy, relativePath));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlNode DeploymentContainer()
    {
        var deployment = LoadYaml("k8s/deployment.yaml");
        Assert.Equal("apps/v1", Text(deployment, "apiVersion"));
        Assert.Equal("Deployment", Text(deployment, "kind"));
        return Items(Get(Get(Get(deployment, "spec"), "template"), "spec"), "containers").Single();
    }

    private static YamlNode Get(YamlNode node, string key)
    {
        var mapping = Assert.IsType<YamlMappingNode>(node);
        Assert.True(mapping.Children.TryGetValue(new YamlScalarNode(key), out var value), $"no '{key}' at line {node.Start.Line}");
        return value;
    }

    private static string Text(YamlNode node, string key) => Assert.IsType<YamlScalarNode>(Get(node, key)).Value!;

    private static IEnumerable<YamlNode> Items(YamlNode node, string key) => Assert.IsType<YamlSequenceNode>(Get(node, key)).Children;

    private static string[] Args(YamlNode container) => [.. Items(container, "args").Select(a => ((YamlScalarNode)a).Value!)];

    private static Dictionary<string, string> ScalarMap(YamlNode node) =>
        Assert.IsType<YamlMappingNode>(node).Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value!);

    private static Dictionary<string, string> Labels(YamlNode metadata) => ScalarMap(Get(metadata, "labels"));

    /// <summary>
    /// deploy/nserve_entrypoint.sh run with bash, NSERVE_BIN pointing to a wrapper that runs the built
    /// server with dotnet. The script's fixed ports 8500/8501 are overridden by free ports given last.
    /// </summary>
    private sealed class EntrypointServer : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private EntrypointServer(Process process, int grpcPort, int restPort)
        {
            _process = process;
            GrpcPort = grpcPort;
            RestPort = restPort;
            Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{restPort}"), Timeout = TimeSpan.FromSeconds(30) };
        }

        public int GrpcPort { get; }

        public int RestPort { get; }

        public HttpClient Http { get; }

        /// <summary>Starts the script with <paramref name="environment"/> (null removes a variable) and waits until /v2/health/ready answers 200.</summary>
        public static async Task<EntrypointServer> StartAsync(string workingDirectory, Dictionary<string, string?> environment, params string[] extraArguments)
        {
            var wrapper = Path.Combine(workingDirectory, "nserve");
            File.WriteAllText(wrapper, $"#!/bin/sh\nexec dotnet '{TestPaths.ServerDll.Replace("'", "'\\''", StringComparison.Ordinal)}' \"$@\"\n");
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

            var grpcPort = FreePort.Next();
            var restPort = FreePort.Next();
            var info = new ProcessStartInfo("bash")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = workingDirectory,
            };
            info.ArgumentList.Add(Entrypoint);
            foreach (var argument in extraArguments)
            {
                info.ArgumentList.Add(argument);
            }

            info.ArgumentList.Add($"--port={grpcPort}");
            info.ArgumentList.Add($"--rest_api_port={restPort}");
            info.Environment["NSERVE_BIN"] = wrapper;
            foreach (var (name, value) in environment)
            {
                if (value is null)
                {
                    info.Environment.Remove(name);
                }
                else
                {
                    info.Environment[name] = value;
                }
            }

            var process = new Process { StartInfo = info };
            var server = new EntrypointServer(process, grpcPort, restPort);
            process.OutputDataReceived += (_, e) => server.Append(e.Data);
            process.ErrorDataReceived += (_, e) => server.Append(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                await server.WaitUntilReadyAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }

            return server;
        }

        /// <summary>The command line of the process the script was started as, from /proc.</summary>
        public string[] CommandLine() => File.ReadAllText($"/proc/{_process.Id}/cmdline").TrimEnd('\0').Split('\0');

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        private async Task WaitUntilReadyAsync()
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"the entrypoint exited with {_process.ExitCode}:\n{Output}");
                }

                try
                {
                    using var response = await Http.GetAsync("/v2/health/ready");
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(100);
            }

            throw new TimeoutException($"the entrypoint's server was not ready within 60 s:\n{Output}");
        }

        private string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
