using System.Collections.Concurrent;
using Google.Protobuf.Reflection;

namespace NServe.Core.Config.TextFormat;

/// <summary>
/// Per message type: its fields and reserved names keyed for lookup by a span of the input, so a field
/// name costs no string allocation. Built once per type and shared.
/// </summary>
internal sealed class MessageFieldTable
{
    private static readonly ConcurrentDictionary<MessageDescriptor, MessageFieldTable> Cache = new();

    private readonly Dictionary<string, FieldDescriptor>.AlternateLookup<ReadOnlySpan<char>> _fields;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _reserved;

    private MessageFieldTable(MessageDescriptor descriptor)
    {
        Descriptor = descriptor;
        var fields = new Dictionary<string, FieldDescriptor>(StringComparer.Ordinal);
        foreach (FieldDescriptor field in descriptor.Fields.InDeclarationOrder())
        {
            fields[field.Name] = field;
        }

        _fields = fields.GetAlternateLookup<ReadOnlySpan<char>>();
        _reserved = new HashSet<string>(descriptor.ToProto().ReservedName, StringComparer.Ordinal)
            .GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public MessageDescriptor Descriptor { get; }

    public static MessageFieldTable For(MessageDescriptor descriptor) =>
        Cache.GetOrAdd(descriptor, static d => new MessageFieldTable(d));

    /// <summary>The field named <paramref name="name"/>; a group field is also found by its type's name, as in C++.</summary>
    public FieldDescriptor? Find(ReadOnlySpan<char> name)
    {
        if (_fields.TryGetValue(name, out FieldDescriptor? field))
        {
            return field;
        }

        Span<char> lower = name.Length <= 256 ? stackalloc char[name.Length] : new char[name.Length];
        name.ToLowerInvariant(lower);
        if (_fields.TryGetValue(lower, out field) && field.FieldType == FieldType.Group
            && name.SequenceEqual(field.MessageType.Name))
        {
            return field;
        }

        return null;
    }

    public bool IsReserved(ReadOnlySpan<char> name) => _reserved.Contains(name);
}
