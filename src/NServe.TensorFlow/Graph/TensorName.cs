namespace NServe.TensorFlow.Graph;

/// <summary>
/// A graph-level input reference as NodeDefs write it: <c>node</c> (output 0), <c>node:1</c>, or <c>^node</c>
/// (a control input, which carries no value).
/// </summary>
public readonly record struct TensorName(string Node, int Index, bool IsControl)
{
    /// <summary>Parses <c>node</c>, <c>node:k</c> or <c>^node</c>; a suffix that is not a number stays part of the node name.</summary>
    public static TensorName Parse(string text)
    {
        if (text.StartsWith('^'))
        {
            return new TensorName(text[1..], -1, true);
        }

        var colon = text.LastIndexOf(':');
        if (colon > 0 && int.TryParse(text.AsSpan(colon + 1), System.Globalization.NumberStyles.None, null, out var index))
        {
            return new TensorName(text[..colon], index, false);
        }

        return new TensorName(text, 0, false);
    }

    /// <summary>The node name of a reference, without <c>^</c> or <c>:k</c>.</summary>
    public static string NodeOf(string text) => Parse(text).Node;

    /// <summary>The reference as a graph input string: <c>node</c> for output 0, <c>node:k</c>, <c>^node</c>.</summary>
    public override string ToString() => IsControl ? "^" + Node : Index == 0 ? Node : $"{Node}:{Index}";

    /// <summary>The reference as a signature's TensorInfo names it: always <c>node:k</c>.</summary>
    public string ToTensorString() => $"{Node}:{Index}";
}
