using Google.Protobuf;
using NServe.Core.Config.TextFormat;
using NServe.Core.Tests.Config.Fixtures;

namespace NServe.Core.Tests.Config;

/// <summary>Field shapes the project's protos lack, on the generated test fixtures in Fixtures/.</summary>
public sealed class TextFormatFieldShapeTests
{
    [Fact]
    public void EveryScalarType()
    {
        Scalars s = TextFormatParser.Parse<Scalars>("""
            d: -1.5 f: 2.5 i32: -1 i64: -2 u32: 3 u64: 18446744073709551615
            s32: -2147483648 s64: -9223372036854775808 fx32: 4294967295 fx64: 0x10 sfx32: -5 sfx64: -6
            b: t s: 's' by: '\001\xff' color: GREEN colors: [RED, 2, 5]
            """);

        Assert.Equal((-1.5, 2.5f, -1, -2L, 3u, ulong.MaxValue), (s.D, s.F, s.I32, s.I64, s.U32, s.U64));
        Assert.Equal((int.MinValue, long.MinValue, uint.MaxValue, 16UL, -5, -6L), (s.S32, s.S64, s.Fx32, s.Fx64, s.Sfx32, s.Sfx64));
        Assert.True(s.B);
        Assert.Equal("s", s.S);
        Assert.Equal(new byte[] { 1, 0xFF }, s.By.ToByteArray());
        Assert.Equal(Color.Green, s.Color);
        Assert.Equal([Color.Red, Color.Green, (Color)5], s.Colors);
        Assert.False(s.HasOpt);
    }

    [Fact]
    public void ProtoThreeOptionalFieldsHavePresenceEvenAtZero()
    {
        Scalars s = TextFormatParser.Parse<Scalars>("opt: 0");
        Assert.True(s.HasOpt);

        var error = Assert.Throws<TextFormatException>(() => TextFormatParser.Parse<Scalars>("opt: 0 opt: 1"));
        Assert.Equal("1:11: Non-repeated field \"opt\" is specified multiple times.", error.Message);
    }

    [Fact]
    public void WrappersInMapsAndRepeatedFieldsAreStoredUnwrapped()
    {
        Shapes shapes = TextFormatParser.Parse<Shapes>("""
            wrapped_values { key: 'a' value { value: 5 } } wrapped_values { key: 'b' }
            wrapped_strings [{ value: 'x' }, { }]
            wrapped_doubles { value: -2.5 }
            wrapped_bytes { value: '\377\000' } wrapped_uint32 { value: 4294967295 }
            """);

        Assert.Equal(new Dictionary<string, long?> { ["a"] = 5, ["b"] = 0 }, shapes.WrappedValues);
        Assert.Equal(["x", string.Empty], shapes.WrappedStrings);
        Assert.Equal([-2.5], shapes.WrappedDoubles.Select(d => d!.Value));
        Assert.Equal(new byte[] { 0xFF, 0x00 }, shapes.WrappedBytes.ToByteArray());
        Assert.Equal(uint.MaxValue, shapes.WrappedUint32);
    }

    [Fact]
    public void MapKeysOfEveryKind()
    {
        Shapes shapes = TextFormatParser.Parse<Shapes>("""
            by_int { key: -5 value: 'neg' } by_int { key: 0x10 } by_int { value: 'zero' }
            by_bool { key: true value: GREEN } by_bool { key: f }
            by_uint64 { key: 18446744073709551615 value { s: 'max' } }
            """);

        Assert.Equal(new Dictionary<int, string> { [-5] = "neg", [16] = string.Empty, [0] = "zero" }, shapes.ByInt);
        Assert.Equal(new Dictionary<bool, Color> { [true] = Color.Green, [false] = Color.Unspecified }, shapes.ByBool);
        Assert.Equal("max", shapes.ByUint64[ulong.MaxValue].S);
    }

    [Fact]
    public void GroupsByTypeNameOrFieldName()
    {
        Legacy legacy = TextFormatParser.Parse<Legacy>("Item { label: 'a' weight: 1 } item { label: 'b' } Meta < note: 'n' >");

        Assert.Equal([("a", 1), ("b", 0)], legacy.Item.Select(i => (i.Label, i.Weight)));
        Assert.Equal("n", legacy.Meta.Note);
        Assert.Equal(Size.Large, legacy.Size);
    }

    [Fact]
    public void ClosedEnumsRejectUndeclaredNumbers()
    {
        Assert.Equal(Size.Small, TextFormatParser.Parse<Legacy>("size: 1").Size);

        var error = Assert.Throws<TextFormatException>(() => TextFormatParser.Parse<Legacy>("size: 7"));
        Assert.Equal("1:8: Unknown enumeration value of \"7\" for field \"size\".", error.Message);
    }

    [Fact]
    public void RequiredFieldInsideARepeatedGroup()
    {
        var error = Assert.Throws<TextFormatException>(() => TextFormatParser.Parse<Legacy>("Item { label: 'a' } Item { weight: 2 }"));

        Assert.Equal("Message missing required fields: item[1].label", error.Message);
    }

    [Theory]
    [InlineData("by_int { key: 'x' }", "1:15: Expected integer, got: 'x'")]
    [InlineData("by_bool { key: 2 }", "1:16: Integer out of range (2)")]
    [InlineData("wrapped_values { key: 'a' value: 5 }", "1:34: Expected \"{\", found \"5\".")]
    [InlineData("wrapped_strings { value: 1 }", "1:26: Expected string, got: 1")]
    [InlineData("wrapped_uint32 { value: -1 }", "1:25: Expected integer, got: -")]
    public void ErrorsInsideMapEntriesAndWrappers(string text, string expected)
    {
        var error = Assert.Throws<TextFormatException>(() => TextFormatParser.Parse<Shapes>(text));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void ParsedMessagesSerializeLikeAnyOther()
    {
        Shapes shapes = TextFormatParser.Parse<Shapes>("wrapped_values { key: 'k' value { value: 9 } } by_uint64 { key: 3 value { colors: [RED] } }");

        Assert.Equal(shapes, Shapes.Parser.ParseFrom(shapes.ToByteArray()));
    }
}
