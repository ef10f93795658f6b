using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace NServe.Core.Config.TextFormat;

/// <summary>
/// What the reader writes parsed fields into: a generated message (through its reflection accessors) or
/// a map entry being collected before it is put into its map. Implemented by structs so the reader's
/// generic methods are specialised per target and nothing is boxed.
/// </summary>
internal interface IFieldTarget
{
    MessageDescriptor Descriptor { get; }

    /// <summary>The message itself, or null for a map entry.</summary>
    IMessage? Message { get; }

    /// <summary>Whether a singular field is already set, as C++ Reflection::HasField decides.</summary>
    bool HasField(FieldDescriptor field);

    /// <summary>The member of <paramref name="oneof"/> that is set, if any.</summary>
    FieldDescriptor? GetOneofCase(OneofDescriptor oneof);

    /// <summary>A singular field's current value (a message, an unwrapped wrapper value or null).</summary>
    object? GetValue(FieldDescriptor field);

    void SetValue(FieldDescriptor field, object value);

    void AddValue(FieldDescriptor field, object value);

    void SetMapEntry(FieldDescriptor mapField, object key, object value);
}
