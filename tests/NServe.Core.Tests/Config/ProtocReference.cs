using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NServe.Core.Tests.Config;

/// <summary>
/// The reference implementation: protoc (protobuf's C++ TextFormat parser) from the Grpc.Tools package in the
/// NuGet cache, run with <c>--encode</c> on the project's .proto files. Absent when the package is not cached;
/// tests that need it are skipped with <see cref="SkipReason"/>.
/// </summary>
internal static class ProtocReference
{
    public const string SkipReason = "protoc (Grpc.Tools package) is not in the NuGet cache";

    private static readonly Lazy<Tool?> Located = new(Locate);

    public static bool IsAvailable => Located.Value is not null;

    /// <summary>
    /// Encodes <paramref name="text"/> as a <paramref name="typeName"/> declared in <paramref name="protoFile"/>
    /// (a path relative to src/NServe.Protos, the test fixtures or protoc's include folder): the binary message, or the first
    /// error protoc reports (<c>line:col: message</c>, without protoc's <c>input:</c> prefix).
    /// </summary>
    public static (byte[]? Binary, string? Error) Encode(string typeName, string protoFile, string text)
    {
        Tool tool = Located.Value ?? throw new InvalidOperationException(SkipReason);
        var start = new ProcessStartInfo(tool.Protoc)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add($"-I{tool.Include}");
        start.ArgumentList.Add($"-I{tool.Protos}");
        start.ArgumentList.Add($"-I{tool.Fixtures}");
        start.ArgumentList.Add($"--encode={typeName}");
        start.ArgumentList.Add(protoFile);

        using Process process = Process.Start(start)!;
        Task<string> errors = process.StandardError.ReadToEndAsync();
        var output = new MemoryStream();
        Task copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        using (Stream stdin = process.StandardInput.BaseStream)
        {
            byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(text);
            stdin.Write(utf8);
        }

        copy.Wait();
        process.WaitForExit();
        string firstError = errors.Result.Split('\n').FirstOrDefault(l => l.Length > 0 && !l.Contains("warning", StringComparison.OrdinalIgnoreCase)) ?? string.Empty;
        if (process.ExitCode == 0)
        {
            return (output.ToArray(), null);
        }

        const string Prefix = "input:";
        return (null, firstError.StartsWith(Prefix, StringComparison.Ordinal) ? firstError[Prefix.Length..] : firstError);
    }

    private sealed record Tool(string Protoc, string Include, string Protos, string Fixtures);

    private static Tool? Locate()
    {
        string? repo = RepositoryRoot();
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string toolsRoot = Path.Combine(packages, "grpc.tools");
        if (repo is null || !Directory.Exists(toolsRoot))
        {
            return null;
        }

        string os = OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "macosx" : "linux";
        string arch = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "arm64" : "x64";
        string exe = OperatingSystem.IsWindows() ? "protoc.exe" : "protoc";
        foreach (string version in Directory.GetDirectories(toolsRoot).OrderDescending(StringComparer.Ordinal))
        {
            string protoc = Path.Combine(version, "tools", $"{os}_{arch}", exe);
            string include = Path.Combine(version, "build", "native", "include");
            if (File.Exists(protoc) && Directory.Exists(include))
            {
                return new Tool(protoc, include, Path.Combine(repo, "src", "NServe.Protos"), Path.Combine(repo, "tests", "NServe.Core.Tests", "Config", "Fixtures"));
            }
        }

        return null;
    }

    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NServe.slnx")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
