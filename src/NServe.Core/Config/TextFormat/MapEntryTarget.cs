using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace NServe.Core.Config.TextFormat;

/// <summary>
/// Collects the <c>key</c> and <c>value</c> of one text-format map entry (<c>m { key: .. value: .. }</c>);
/// either may be omitted and then takes its type's default, as in C++.
/// </summary>
internal struct MapEntryTarget(MessageDescriptor entryType) : IFieldTarget
{
    private object? _key;
    private object? _value;

    public readonly MessageDescriptor Descriptor => entryType;

    public readonly IMessage? Message => null;

    public readonly FieldDescriptor KeyField => entryType.FindFieldByNumber(1);

    public readonly FieldDescriptor ValueField => entryType.FindFieldByNumber(2);

    public readonly object Key => _key ?? ProtoDefaults.For(KeyField);

    public readonly object Value => _value ?? ProtoDefaults.For(ValueField);

    public readonly bool HasField(FieldDescriptor field) => (field.FieldNumber == 1 ? _key : _value) is not null;

    public readonly FieldDescriptor? GetOneofCase(OneofDescriptor oneof) => null;

    public readonly object? GetValue(FieldDescriptor field) => field.FieldNumber == 1 ? _key : _value;

    public void SetValue(FieldDescriptor field, object value)
    {
        if (field.FieldNumber == 1)
        {
            _key = value;
        }
        else
        {
            _value = value;
        }
    }

    public readonly void AddValue(FieldDescriptor field, object value) =>
        throw new InvalidOperationException($"Map entry {entryType.FullName} has no repeated field.");

    public readonly void SetMapEntry(FieldDescriptor mapField, object key, object value) =>
        throw new InvalidOperationException($"Map entry {entryType.FullName} has no map field.");
}
