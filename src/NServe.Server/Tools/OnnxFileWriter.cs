using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using NServe.Core.Errors;
using NServe.Onnx;
using Onnx;

namespace NServe.Server.Tools;

/// <summary>
/// Writes an ONNX model so that the target path either keeps its old content or holds a complete model that
/// ONNX Runtime loads: written to a temporary file beside it, loaded once, then renamed over the target.
/// </summary>
public static class OnnxFileWriter
{
    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/>; returns its size in bytes.</summary>
    public static long WriteChecked(ModelProto model, string path)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
        {
            throw ServingException.NotFound($"output directory {directory} does not exist");
        }

        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            long size;
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                model.WriteTo(stream);
                stream.Flush(flushToDisk: true);
                size = stream.Length;
            }

            try
            {
                using var session = OnnxSessionFactory.FromFile(temporary, OnnxRuntimeOptions.Default);
            }
            catch (OnnxRuntimeException e)
            {
                throw new ServingException(StatusCode.Internal, $"ONNX Runtime rejected the converted model, nothing written: {e.Message}", e);
            }

            File.Move(temporary, full, overwrite: true);
            return size;
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
