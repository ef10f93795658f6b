using NServe.Core.Errors;
using Tensorflow;

namespace NServe.TensorFlow.SavedModel;

/// <summary>
/// Picks the MetaGraphDef to serve by its tag set, as TensorFlow's loader does: the MetaGraph whose tags equal
/// the requested set, compared as sets (order and repeats do not matter).
/// </summary>
public static class MetaGraphSelector
{
    /// <summary>TF Serving's <c>--saved_model_tags</c> default.</summary>
    public const string DefaultTags = "serve";

    /// <summary>
    /// The tag set of a <c>--saved_model_tags</c> value: comma-separated tags; an empty string is the empty
    /// set, which selects the MetaGraph without tags (TF-Hub v1 modules).
    /// </summary>
    public static IReadOnlySet<string> ParseTags(string tags) =>
        new SortedSet<string>(tags.Split(',', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);

    /// <summary>The MetaGraphDef tagged exactly <paramref name="tags"/>; NotFound listing the available tag sets otherwise.</summary>
    public static MetaGraphDef Select(Tensorflow.SavedModel model, IReadOnlySet<string> tags, string exportDirectory)
    {
        foreach (var metaGraph in model.MetaGraphs)
        {
            var metaTags = metaGraph.MetaInfoDef?.Tags ?? [];
            if (tags.SetEquals(metaTags))
            {
                return metaGraph;
            }
        }

        var available = model.MetaGraphs.Select(m => Describe(m.MetaInfoDef?.Tags ?? []));
        throw ServingException.NotFound(
            $"Could not find meta graph def matching supplied tags: {Describe(tags)} in SavedModel {exportDirectory}. " +
            $"Available tag sets: {string.Join(", ", available)}");
    }

    // TensorFlow prints tag sets as "{ serve train }".
    private static string Describe(IEnumerable<string> tags) => "{ " + string.Join(" ", tags.Order(StringComparer.Ordinal)) + (tags.Any() ? " }" : "}");
}
