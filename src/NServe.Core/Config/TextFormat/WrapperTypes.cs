using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace NServe.Core.Config.TextFormat;

/// <summary>
/// The google.protobuf wrapper messages (Int64Value, StringValue...), which generated C# code exposes as
/// the bare value (<c>long?</c>, <c>string</c>) in singular, repeated and map fields alike.
/// </summary>
internal static class WrapperTypes
{
    // wrappers.proto declares only the wrapper messages.
    public static bool IsWrapper(MessageDescriptor type) => type.File == WrappersReflection.Descriptor;
}
