namespace NServe.TensorFlow.SavedModel;

/// <summary>The file layout of a SavedModel directory (TensorFlow's <c>saved_model/constants.h</c>).</summary>
public static class SavedModelFiles
{
    public const string BinaryFileName = "saved_model.pb";
    public const string TextFileName = "saved_model.pbtxt";
    public const string VariablesDirectory = "variables";
    public const string VariablesFilePrefix = "variables";
    public const string AssetsDirectory = "assets";
    public const string ExtraAssetsDirectory = "assets.extra";

    /// <summary>The MetaGraphDef of a legacy SessionBundle export (TF 0.x), which TF Serving up-converts.</summary>
    public const string LegacySessionBundleMetaFile = "export.meta";

    /// <summary>True when <paramref name="directory"/> holds <c>saved_model.pb</c> or <c>saved_model.pbtxt</c>.</summary>
    public static bool IsSavedModel(string directory) =>
        File.Exists(Path.Combine(directory, BinaryFileName)) || File.Exists(Path.Combine(directory, TextFileName));

    /// <summary>True when <paramref name="directory"/> is a legacy SessionBundle export (<c>export.meta</c>, no saved_model.pb).</summary>
    public static bool IsLegacySessionBundle(string directory) =>
        !IsSavedModel(directory) && File.Exists(Path.Combine(directory, LegacySessionBundleMetaFile));

    /// <summary>The checkpoint prefix of the model's variables: <c>&lt;dir&gt;/variables/variables</c>.</summary>
    public static string VariablesPrefix(string directory) =>
        Path.Combine(directory, VariablesDirectory, VariablesFilePrefix);

    /// <summary>True when the model has a variables checkpoint (<c>variables/variables.index</c>).</summary>
    public static bool HasVariables(string directory) => File.Exists(VariablesPrefix(directory) + ".index");
}
