using NServe.Core.Errors;

namespace NServe.Server.Rest.Json;

/// <summary>The <c>signature_name</c> member of a REST request body (predict, classify, regress).</summary>
internal static class JsonSignatureName
{
    /// <summary>The name, or "" when <paramref name="member"/> is absent; a non-string value fails with TF Serving's message.</summary>
    public static string Read(ReadOnlySpan<byte> utf8Body, int root, JsonValueRange member)
    {
        if (!member.Exists)
        {
            return "";
        }

        if (utf8Body[member.Start] != '"')
        {
            throw ServingException.InvalidArgument(
                $"JSON Value: {JsonValuePrinter.Print(utf8Body, root)} not formatted correctly. 'signature_name' key must be a string value.");
        }

        var cursor = new JsonCursor(utf8Body, member.Start);
        var content = cursor.ReadString(out var hasEscapes);
        return content.IsEmpty ? "" : JsonStrings.ToText(content, hasEscapes);
    }
}
