using System.Collections.Concurrent;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace NServe.Core.Config.TextFormat;

/// <summary>Default values of fields and new message instances, in the CLR types Google.Protobuf's accessors use.</summary>
internal static class ProtoDefaults
{
    private static readonly ConcurrentDictionary<Type, Func<IMessage>> Factories = new();
    private static readonly object BoxedFalse = false;

    /// <summary>A new, empty instance of the generated message type.</summary>
    public static IMessage NewMessage(MessageDescriptor type) =>
        Factories.GetOrAdd(type.ClrType, static t => () => (IMessage)Activator.CreateInstance(t)!)();

    /// <summary>The value an unset field reads as. Wrapper-typed fields read as their unwrapped default.</summary>
    public static object For(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Double => 0d,
        FieldType.Float => 0f,
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => 0L,
        FieldType.UInt64 or FieldType.Fixed64 => 0UL,
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => 0,
        FieldType.UInt32 or FieldType.Fixed32 => 0U,
        FieldType.Bool => BoxedFalse,
        FieldType.String => string.Empty,
        FieldType.Bytes => ByteString.Empty,
        FieldType.Enum => EnumValueTable.For(field.EnumType).Default,
        _ when WrapperTypes.IsWrapper(field.MessageType) => For(field.MessageType.FindFieldByNumber(1)),
        _ => NewMessage(field.MessageType),
    };

    /// <summary>Whether a scalar is its type's zero; -0.0 is not (C++ compares the bits).</summary>
    public static bool IsDefault(object? value) => value switch
    {
        null => true,
        int v => v == 0,
        long v => v == 0,
        uint v => v == 0,
        ulong v => v == 0,
        float v => BitConverter.SingleToInt32Bits(v) == 0,
        double v => BitConverter.DoubleToInt64Bits(v) == 0,
        bool v => !v,
        string v => v.Length == 0,
        ByteString v => v.IsEmpty,
        Enum v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) == 0,
        _ => false,
    };
}
