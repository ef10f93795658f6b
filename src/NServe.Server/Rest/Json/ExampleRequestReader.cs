using Google.Protobuf;
using NServe.Core.Errors;
using Tensorflow;
using Tensorflow.Serving;

namespace NServe.Server.Rest.Json;

/// <summary>
/// Reads a REST <c>:classify</c> or <c>:regress</c> body (rest_api.md §5) into tf.Examples, following TF
/// Serving's json_tensor.cc (<c>FillClassifyRegressRequestFromJson</c>, <c>MakeExampleFromJsonObject</c>,
/// <c>AddValueToFeature</c>) and its error texts: a number with a fraction or exponent goes to
/// <c>float_list</c>, an integer or <c>true</c>/<c>false</c> to <c>int64_list</c>, a string or
/// <c>{"b64": ...}</c> to <c>bytes_list</c>; a list takes the kind of its first element and must keep it.
/// The whole body is read before any model is looked up, as in TF Serving.
/// </summary>
public static class ExampleRequestReader
{
    private const int SignatureNameKey = 0;
    private const int ContextKey = 1;
    private const int ExamplesKey = 2;

    // rapidjson's float range test in IsLosslessDecimal<float>.
    private const double FloatMax = float.MaxValue;

    private static readonly byte[][] RootKeys = ["signature_name"u8.ToArray(), "context"u8.ToArray(), "examples"u8.ToArray()];

    /// <summary>Decodes <paramref name="utf8Body"/>; JSON nested deeper than <paramref name="maxDepth"/> is refused.</summary>
    /// <exception cref="ServingException">InvalidArgument with TF Serving's message for a bad body.</exception>
    public static ExampleRequestJson Read(ReadOnlySpan<byte> utf8Body, int maxDepth = int.MaxValue)
    {
        if (utf8Body.IsEmpty)
        {
            throw ServingException.InvalidArgument("JSON Parse error: The document is empty");
        }

        Span<JsonValueRange> members = stackalloc JsonValueRange[RootKeys.Length];
        var root = JsonSyntaxValidator.Validate(utf8Body, RootKeys, members, maxDepth);
        if (utf8Body[root] != '{')
        {
            throw ServingException.InvalidArgument($"JSON Value: {JsonValuePrinter.Print(utf8Body, root)} Is not object");
        }

        var signatureName = JsonSignatureName.Read(utf8Body, root, members[SignatureNameKey]);

        ExampleListWithContext? withContext = null;
        if (members[ContextKey].Exists)
        {
            withContext = new ExampleListWithContext { Context = ReadExample(utf8Body, members[ContextKey].Start) };
        }

        var examplesMember = members[ExamplesKey];
        if (!examplesMember.Exists)
        {
            // TF Serving says "classify" for regress bodies too.
            throw ServingException.InvalidArgument(
                $"JSON Value: {JsonValuePrinter.Print(utf8Body, root)} When method is classify, key 'examples' is expected and was not found");
        }

        if (utf8Body[examplesMember.Start] != '[')
        {
            throw ServingException.InvalidArgument(
                $"JSON Value: {JsonValuePrinter.Print(utf8Body, root)} Expecting 'examples' value to be an list/array");
        }

        var input = new Input();
        Google.Protobuf.Collections.RepeatedField<Example> examples;
        if (withContext is not null)
        {
            input.ExampleListWithContext = withContext;
            examples = withContext.Examples;
        }
        else
        {
            input.ExampleList = new ExampleList();
            examples = input.ExampleList.Examples;
        }

        var list = new JsonCursor(utf8Body, examplesMember.Start);
        list.Advance();
        if (list.Peek() == ']')
        {
            throw ServingException.InvalidArgument($"JSON Value: {JsonValuePrinter.Print(utf8Body, root)} 'examples' value is an empty array");
        }

        do
        {
            var start = list.Position;
            examples.Add(ReadExample(utf8Body, start));
            list.SkipValue();
        }
        while (list.NextItem());

        return new ExampleRequestJson(signatureName, input);
    }

    /// <summary><c>MakeExampleFromJsonObject</c>: each member is a feature, a list or a single value.</summary>
    private static Example ReadExample(ReadOnlySpan<byte> json, int start)
    {
        var cursor = new JsonCursor(json, start);
        var first = cursor.Peek();
        if (first != '{')
        {
            throw ServingException.InvalidArgument($"Example must be JSON object but got JSON {JsonValuePrinter.TypeName(first)}");
        }

        var example = new Example { Features = new Features() };
        if (!cursor.EnterObject())
        {
            return example;
        }

        do
        {
            var rawName = cursor.ReadMemberName(out var nameEscaped);
            var name = JsonStrings.ToText(rawName, nameEscaped);
            var feature = new Feature();
            if (cursor.Peek() == '[')
            {
                cursor.Advance();
                if (cursor.Peek() == ']')
                {
                    cursor.Advance();
                }
                else
                {
                    do
                    {
                        AddValue(ref cursor, name, feature);
                    }
                    while (cursor.NextItem());
                }
            }
            else
            {
                AddValue(ref cursor, name, feature);
            }

            // A repeated name replaces the earlier feature, as the proto map assignment does.
            example.Features.Feature[name] = feature;
        }
        while (cursor.NextItem());

        return example;
    }

    /// <summary><c>AddValueToFeature</c>: appends the value at the cursor and moves past it.</summary>
    private static void AddValue(ref JsonCursor cursor, string name, Feature feature)
    {
        var first = cursor.Peek();
        switch (first)
        {
            case (byte)'n':
            case (byte)'[':
                throw UnexpectedType(name, first);
            case (byte)'t':
            case (byte)'f':
                Int64s(feature, name).Value.Add(first == 't' ? 1 : 0);
                cursor.SkipValue();
                return;
            case (byte)'{':
                if (!JsonLeafReader.IsBase64Object(cursor.Json, cursor.Position))
                {
                    throw UnexpectedType(name, first);
                }

                var bytes = Bytes(feature, name);
                if (!JsonLeafReader.TryReadBase64Object(ref cursor, out var decoded))
                {
                    throw ServingException.InvalidArgument("Unable to base64 decode");
                }

                bytes.Value.Add(UnsafeByteOperations.UnsafeWrap(decoded));
                return;
            case (byte)'"':
                var strings = Bytes(feature, name);
                var content = cursor.ReadString(out var hasEscapes);
                strings.Value.Add(UnsafeByteOperations.UnsafeWrap(JsonStrings.ToBytes(content, hasEscapes)));
                return;
            default:
                AddNumber(ref cursor, name, feature);
                return;
        }
    }

    private static void AddNumber(ref JsonCursor cursor, string name, Feature feature)
    {
        var start = cursor.Position;
        var token = cursor.ReadNumber();
        if (JsonNumberParser.TryParseInteger(token, out var negative, out var magnitude))
        {
            var int64s = Int64s(feature, name);
            if (!negative && magnitude > long.MaxValue)
            {
                throw ServingException.InvalidArgument($"Feature: {name} has uint64 element. Only int64 is supported.");
            }

            int64s.Value.Add(negative ? (long)(0UL - magnitude) : (long)magnitude);
            return;
        }

        var floats = Floats(feature, name);
        var value = JsonNumberParser.ParseDouble(token);
        if (double.IsFinite(value) && value is > FloatMax or < -FloatMax)
        {
            throw ServingException.InvalidArgument(
                $"Cannot convert JSON value: {JsonValuePrinter.Print(cursor.Json, start)} to float without loss of precision.");
        }

        floats.Value.Add((float)value);
    }

    private static Int64List Int64s(Feature feature, string name) => feature.KindCase switch
    {
        Feature.KindOneofCase.None => feature.Int64List = new Int64List(),
        Feature.KindOneofCase.Int64List => feature.Int64List,
        _ => throw IncompatibleKind(name, feature),
    };

    private static FloatList Floats(Feature feature, string name) => feature.KindCase switch
    {
        Feature.KindOneofCase.None => feature.FloatList = new FloatList(),
        Feature.KindOneofCase.FloatList => feature.FloatList,
        _ => throw IncompatibleKind(name, feature),
    };

    private static BytesList Bytes(Feature feature, string name) => feature.KindCase switch
    {
        Feature.KindOneofCase.None => feature.BytesList = new BytesList(),
        Feature.KindOneofCase.BytesList => feature.BytesList,
        _ => throw IncompatibleKind(name, feature),
    };

    private static ServingException UnexpectedType(string name, byte first) =>
        ServingException.InvalidArgument($"Feature: {name} has element with unexpected JSON type: {JsonValuePrinter.TypeName(first)}");

    private static ServingException IncompatibleKind(string name, Feature feature)
    {
        var kind = feature.KindCase switch
        {
            Feature.KindOneofCase.BytesList => "bytes",
            Feature.KindOneofCase.FloatList => "float",
            Feature.KindOneofCase.Int64List => "int64",
            _ => "UNKNOWN",
        };
        return ServingException.InvalidArgument($"Unexpected element type in feature: {name} expecting type: {kind}");
    }
}
