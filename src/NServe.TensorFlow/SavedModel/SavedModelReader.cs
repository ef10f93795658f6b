using Google.Protobuf;
using NServe.Core.Config.TextFormat;
using NServe.Core.Errors;

namespace NServe.TensorFlow.SavedModel;

/// <summary>
/// Reads the <c>tensorflow.SavedModel</c> message of a SavedModel directory: <c>saved_model.pb</c>, or
/// <c>saved_model.pbtxt</c> when the binary file is absent (TensorFlow's loader has the same preference).
/// </summary>
public static class SavedModelReader
{
    // Graphs nest functions and attr lists; TF's own parser allows far more depth than protobuf's default 100.
    private const int RecursionLimit = 1000;

    /// <summary>Reads the SavedModel proto; throws <see cref="ServingException"/> naming the file when it is missing or unreadable.</summary>
    public static Tensorflow.SavedModel Read(string directory)
    {
        var binaryPath = Path.Combine(directory, SavedModelFiles.BinaryFileName);
        if (File.Exists(binaryPath))
        {
            return ReadBinary(binaryPath);
        }

        var textPath = Path.Combine(directory, SavedModelFiles.TextFileName);
        if (File.Exists(textPath))
        {
            return ReadText(textPath);
        }

        if (File.Exists(Path.Combine(directory, SavedModelFiles.LegacySessionBundleMetaFile)))
        {
            throw new ServingException(
                StatusCode.Unimplemented,
                $"{directory} is a legacy SessionBundle export ({SavedModelFiles.LegacySessionBundleMetaFile}), which NServe does not support; " +
                "export the model as a SavedModel (saved_model.pb) instead");
        }

        throw ServingException.NotFound(
            $"Could not find SavedModel {SavedModelFiles.BinaryFileName} or {SavedModelFiles.TextFileName} at supplied export directory path: {directory}");
    }

    private static Tensorflow.SavedModel ReadBinary(string path)
    {
        var bytes = ReadAllBytes(path);
        try
        {
            return ParseWithLimit(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ServingException(StatusCode.DataLoss, $"Could not parse SavedModel {path}: {e.Message}", e);
        }
    }

    private static Tensorflow.SavedModel ParseWithLimit(byte[] bytes)
    {
        var model = new Tensorflow.SavedModel();
        using var input = CodedInputStream.CreateWithLimits(new MemoryStream(bytes, writable: false), int.MaxValue, RecursionLimit);
        model.MergeFrom(input);
        return model;
    }

    private static Tensorflow.SavedModel ReadText(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(path, e);
        }

        try
        {
            return TextFormatParser.Parse<Tensorflow.SavedModel>(text);
        }
        catch (TextFormatException e)
        {
            throw new ServingException(StatusCode.DataLoss, $"Could not parse SavedModel {path}: {e.ParseErrorMessage}", e);
        }
    }

    private static byte[] ReadAllBytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(path, e);
        }
    }

    // On Linux .NET reports errno as the HResult of an IOException it has no own type for; ELOOP (a symbolic
    // link loop) stays until the files change, so it is no reason to retry the load.
    private const int SymbolicLinkLoopErrno = 40;

    private static ServingException Unreadable(string path, Exception e) => new(
        e switch
        {
            UnauthorizedAccessException => StatusCode.PermissionDenied,
            IOException { HResult: SymbolicLinkLoopErrno } => StatusCode.FailedPrecondition,
            _ => StatusCode.Unavailable,
        },
        $"Could not read SavedModel {path}: {e.Message}",
        e);
}
