using System.Collections.Concurrent;
using Google.Protobuf.Reflection;

namespace NServe.Core.Config.TextFormat;

/// <summary>
/// Per enum type: values by name (looked up by span) and by number, each already boxed as the generated
/// CLR enum so setting a field allocates nothing.
/// </summary>
internal sealed class EnumValueTable
{
    private static readonly ConcurrentDictionary<EnumDescriptor, EnumValueTable> Cache = new();

    private readonly Dictionary<string, object>.AlternateLookup<ReadOnlySpan<char>> _byName;
    private readonly Dictionary<int, object> _byNumber = new();
    private readonly Type _clrType;

    private EnumValueTable(EnumDescriptor descriptor)
    {
        _clrType = descriptor.ClrType;
        var byName = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (EnumValueDescriptor value in descriptor.Values)
        {
            object boxed = Enum.ToObject(_clrType, value.Number);
            byName[value.Name] = boxed;
            _byNumber.TryAdd(value.Number, boxed);
        }

        _byName = byName.GetAlternateLookup<ReadOnlySpan<char>>();
        Default = Enum.ToObject(_clrType, descriptor.Values[0].Number);

        IsClosed = IsClosedEnum(descriptor);
    }

    public bool IsClosed { get; }

    /// <summary>The default value: the first declared value (0 in proto3).</summary>
    public object Default { get; }

    public static EnumValueTable For(EnumDescriptor descriptor) =>
        Cache.GetOrAdd(descriptor, static d => new EnumValueTable(d));

    public object? FindByName(ReadOnlySpan<char> name) =>
        _byName.TryGetValue(name, out object? value) ? value : null;

    public object? FindByNumber(int number) =>
        _byNumber.TryGetValue(number, out object? value) ? value : null;

    /// <summary>
    /// Closed enums reject numbers they do not declare, as C++ does: proto2 enums, and editions enums whose
    /// <c>enum_type</c> feature (on the enum, else the file) is CLOSED. Proto3 enums are open.
    /// </summary>
    private static bool IsClosedEnum(EnumDescriptor descriptor)
    {
        FileDescriptorProto file = descriptor.File.ToProto();
        switch (file.Syntax)
        {
            case "proto3":
                return false;
            case "editions":
                FeatureSet? features = descriptor.ToProto().Options?.Features;
                if (features is not { HasEnumType: true })
                {
                    features = file.Options?.Features;
                }

                return features is { HasEnumType: true } && features.EnumType == FeatureSet.Types.EnumType.Closed;
            default:
                return true;
        }
    }

    public object FromUnknownNumber(int number) => Enum.ToObject(_clrType, number);
}
