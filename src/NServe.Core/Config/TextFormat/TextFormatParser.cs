using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace NServe.Core.Config.TextFormat;

/// <summary>
/// Reads protobuf text format (<c>.pbtxt</c>, TF Serving's config files) into generated messages, accepting
/// what protobuf's C++ TextFormat parser accepts and reporting its errors with 1-based line and column.
/// Extensions are not read. Expanded <c>google.protobuf.Any</c> values (<c>[type.googleapis.com/pkg.Msg] { }</c>)
/// are resolved through <paramref name="anyTypes"/>, then among the types the root message's file imports.
/// </summary>
public static class TextFormatParser
{
    /// <summary>
    /// Parses <paramref name="text"/> into a new <typeparamref name="T"/>. As C++ TextFormat::Parse, a
    /// singular field or oneof given twice is an error.
    /// </summary>
    /// <exception cref="TextFormatException">The text is not a valid <typeparamref name="T"/>.</exception>
    public static T Parse<T>(string text, TypeRegistry? anyTypes = null)
        where T : IMessage<T>, new()
    {
        var message = new T();
        Read(message, text, forbidOverwrites: true, anyTypes);
        return message;
    }

    /// <summary>Parses <paramref name="text"/> into a new message of the type <paramref name="descriptor"/> describes.</summary>
    /// <exception cref="TextFormatException">The text is not a valid message of that type.</exception>
    public static IMessage Parse(MessageDescriptor descriptor, string text, TypeRegistry? anyTypes = null)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        IMessage message = ProtoDefaults.NewMessage(descriptor);
        Read(message, text, forbidOverwrites: true, anyTypes);
        return message;
    }

    /// <summary>
    /// Merges <paramref name="text"/> into <paramref name="target"/>. As C++ TextFormat::Merge, a singular
    /// field given again replaces the earlier value (messages merge), and repeated fields append.
    /// </summary>
    /// <exception cref="TextFormatException">The text is not valid for the target's type; the target may be partly updated.</exception>
    public static void Merge(IMessage target, string text, TypeRegistry? anyTypes = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        Read(target, text, forbidOverwrites: false, anyTypes);
    }

    private static void Read(IMessage message, string text, bool forbidOverwrites, TypeRegistry? anyTypes)
    {
        ArgumentNullException.ThrowIfNull(text);
        new TextMessageReader(text, message.Descriptor, forbidOverwrites, anyTypes).ReadInto(message);
    }
}
