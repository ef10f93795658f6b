using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace NServe.Core.Config.TextFormat;

/// <summary>Writes fields into a generated message through Google.Protobuf's field accessors.</summary>
internal readonly struct MessageFieldTarget(IMessage message) : IFieldTarget
{
    public MessageDescriptor Descriptor => message.Descriptor;

    public IMessage? Message => message;

    public bool HasField(FieldDescriptor field)
    {
        if (field.FieldType is FieldType.Message or FieldType.Group)
        {
            return field.Accessor.GetValue(message) is not null;
        }

        // Fields without presence (proto3 scalars) count as set only when not at their default, as in C++.
        return field.HasPresence ? field.Accessor.HasValue(message) : !ProtoDefaults.IsDefault(field.Accessor.GetValue(message));
    }

    public FieldDescriptor? GetOneofCase(OneofDescriptor oneof) => oneof.Accessor.GetCaseFieldDescriptor(message);

    public object? GetValue(FieldDescriptor field) => field.Accessor.GetValue(message);

    public void SetValue(FieldDescriptor field, object value) => field.Accessor.SetValue(message, value);

    public void AddValue(FieldDescriptor field, object value) => ((IList)field.Accessor.GetValue(message)).Add(value);

    public void SetMapEntry(FieldDescriptor mapField, object key, object value) =>
        ((IDictionary)mapField.Accessor.GetValue(message))[key] = value;
}
