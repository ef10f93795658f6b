using NServe.TensorFlow.Tests.Checkpoint;

namespace NServe.TensorFlow.Tests.SavedModel;

/// <summary>The real SavedModels of ../shared/testdata, by their path relative to it.</summary>
internal static class SavedModelTestData
{
    public const string MissingDataModel = "savedmodels/mltd__mnist_model";
    public const string LegacyBundle = "tfserving/bad_half_plus_two/00000123";
    public const string HalfPlusTwo = "tfserving/saved_model_half_plus_two_cpu/00000123";
    public const string HalfPlusTwoTf2 = "tfserving/saved_model_half_plus_two_tf2_cpu/00000123";

    /// <summary>Every SavedModel directory (one holding saved_model.pb or .pbtxt), relative to the test data root.</summary>
    public static IEnumerable<string> All()
    {
        if (CheckpointTestData.Root is not { } root)
        {
            return [];
        }

        return Directory.EnumerateFiles(root, "saved_model.pb*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith("saved_model.pb", StringComparison.Ordinal) || f.EndsWith("saved_model.pbtxt", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(root, Path.GetDirectoryName(f)!))
            .Distinct()
            .Order(StringComparer.Ordinal);
    }

    /// <summary>All SavedModels whose variables can be read (all but the one whose data file is missing on purpose).</summary>
    public static IEnumerable<string> Loadable() => All().Where(m => m != MissingDataModel);

    public static string PathOf(string model) => CheckpointTestData.Path(model.Split('/'));
}
