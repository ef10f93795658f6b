using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using NServe.Core.Config.TextFormat;
using Tensorflow;
using Tensorflow.Serving;

namespace NServe.Core.Tests.Config;

/// <summary>What the reader produces for each construct of the text format, on Google.Protobuf's own types and TF's.</summary>
public sealed class TextFormatParserTests
{
    [Fact]
    public void ReadsDescriptorProtoStringsEnumsRepeatedMessagesAndBools()
    {
        FileDescriptorProto file = TextFormatParser.Parse<FileDescriptorProto>("""
            # A file with one message.
            name: "a.proto"
            package: 'pkg'
            dependency: ["x.proto", "y.proto"] dependency: "z.proto"
            message_type {
              name: "M"
              field { name: "id" number: 1 label: LABEL_OPTIONAL type: TYPE_INT64 }
              field < name: "tags"; number: 0x2, label: LABEL_REPEATED; type: 9 >
            }
            message_type: { name: "N" }
            options { java_multiple_files: true cc_enable_arenas: f }
            """);

        Assert.Equal("a.proto", file.Name);
        Assert.Equal("pkg", file.Package);
        Assert.Equal(["x.proto", "y.proto", "z.proto"], file.Dependency);
        Assert.Equal(["M", "N"], file.MessageType.Select(m => m.Name));
        FieldDescriptorProto[] fields = [.. file.MessageType[0].Field];
        Assert.Equal(("id", 1, FieldDescriptorProto.Types.Label.Optional, FieldDescriptorProto.Types.Type.Int64), (fields[0].Name, fields[0].Number, fields[0].Label, fields[0].Type));
        Assert.Equal(("tags", 2, FieldDescriptorProto.Types.Label.Repeated, FieldDescriptorProto.Types.Type.String), (fields[1].Name, fields[1].Number, fields[1].Label, fields[1].Type));
        Assert.True(file.Options.JavaMultipleFiles);
        Assert.True(file.Options.HasCcEnableArenas);
        Assert.False(file.Options.CcEnableArenas);
    }

    [Theory]
    [InlineData("\"plain\"", "plain")]
    [InlineData("'single \"quoted\"'", "single \"quoted\"")]
    [InlineData("\"esc \\a\\b\\f\\n\\r\\t\\v\\\\\\?\\'\\\"\"", "esc \a\b\f\n\r\t\v\\?'\"")]
    [InlineData("\"oct \\101\\60\\7 hex \\x41\\x4a\\X4\"", "oct A0\u0007 hex AJ\u0004")]
    [InlineData("\"\\u00e9\\u4e2d \\U0001F600 \\ud83d\\ude00\"", "é中 😀 😀")]
    [InlineData("\"raw é中😀\"", "raw é中😀")]
    [InlineData("\"con\" 'cat' \"enated\"", "concatenated")]
    [InlineData("\"\"", "")]
    public void StringLiterals(string literal, string expected)
    {
        Assert.Equal(expected, TextFormatParser.Parse<FileDescriptorProto>($"name: {literal}").Name);
    }

    [Fact]
    public void BytesFieldsKeepTheEscapedBytesExactly()
    {
        TensorProto tensor = TextFormatParser.Parse<TensorProto>(
            "tensor_content: \"\\000\\001\\377\\xff\\x7F,\\n\\777\" 'é' string_val: \"\\ud800\" string_val: \"\\U00110000\" string_val: \"plain\"");

        // \777 keeps its low 8 bits; é is its UTF-8 bytes; a lone surrogate is its 3-byte form; past U+10FFFF the escape stays literal.
        Assert.Equal(new byte[] { 0x00, 0x01, 0xFF, 0xFF, 0x7F, (byte)',', 0x0A, 0xFF, 0xC3, 0xA9 }, tensor.TensorContent.ToByteArray());
        Assert.Equal(new byte[] { 0xED, 0xA0, 0x80 }, tensor.StringVal[0].ToByteArray());
        Assert.Equal("\\U00110000", tensor.StringVal[1].ToStringUtf8());
        Assert.Equal("plain", tensor.StringVal[2].ToStringUtf8());
    }

    [Fact]
    public void IntegersInEveryBaseAndAtTheirLimits()
    {
        TensorProto tensor = TextFormatParser.Parse<TensorProto>("""
            int_val: [0, 42, -42, 0x7fffffff, -2147483648, 017, 0X1A]
            int64_val: [9223372036854775807, -9223372036854775808, - 5]
            uint32_val: 4294967295 uint64_val: 0xFFFFFFFFFFFFFFFF
            """);

        Assert.Equal([0, 42, -42, int.MaxValue, int.MinValue, 15, 26], tensor.IntVal);
        Assert.Equal([long.MaxValue, long.MinValue, -5L], tensor.Int64Val);
        Assert.Equal([uint.MaxValue], tensor.Uint32Val);
        Assert.Equal([ulong.MaxValue], tensor.Uint64Val);
    }

    [Fact]
    public void FloatsInEveryForm()
    {
        TensorProto tensor = TextFormatParser.Parse<TensorProto>(
            "float_val: [1, 1e-3, .5, 5., -2.5E+2, 1.5f, 2F, inf, -Infinity, nan, 1e39, 3.4028235e38] double_val: [0.1, 12345678901234567890123, -0]");

        Assert.Equal([1f, 1e-3f, 0.5f, 5f, -250f, 1.5f, 2f, float.PositiveInfinity, float.NegativeInfinity], tensor.FloatVal.Take(9));
        Assert.True(float.IsNaN(tensor.FloatVal[9]));
        Assert.Equal(float.PositiveInfinity, tensor.FloatVal[10]);
        Assert.Equal(float.MaxValue, tensor.FloatVal[11]);
        Assert.Equal(0.1, tensor.DoubleVal[0]);
        Assert.Equal(1.2345678901234568e22, tensor.DoubleVal[1]);
        Assert.True(double.IsNegative(tensor.DoubleVal[2]));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("t", true)]
    [InlineData("1", true)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData("f", false)]
    [InlineData("0", false)]
    public void Booleans(string literal, bool expected)
    {
        Assert.Equal(expected, TextFormatParser.Parse<MonitoringConfig>($"prometheus_config {{ enable: {literal} }}").PrometheusConfig.Enable);
    }

    [Fact]
    public void EnumsByNameOrNumberAndOpenEnumsKeepUnknownNumbers()
    {
        Assert.Equal(DataType.DtDouble, TextFormatParser.Parse<TensorProto>("dtype: DT_DOUBLE").Dtype);
        Assert.Equal(DataType.DtInt32, TextFormatParser.Parse<TensorProto>("dtype: 3").Dtype);

        // tensorflow.DataType is a proto3 (open) enum: an undeclared number is kept.
        Assert.Equal(999, (int)TextFormatParser.Parse<TensorProto>("dtype: 999").Dtype);
        Assert.Equal(-7, (int)TextFormatParser.Parse<Value>("null_value: -7").NullValue);
    }

    [Fact]
    public void MapEntriesInAnyOrderWithDefaultsAndLaterDuplicatesWinning()
    {
        NodeDef node = TextFormatParser.Parse<NodeDef>("""
            name: "c" op: "Const"
            attr { key: "dtype" value { type: DT_FLOAT } }
            attr { value { s: "first" } key: "note" }
            attr { key: "note" value { s: "second" } }
            attr: [{ key: "empty" }, { value { i: 3 } }]
            """);

        Assert.Equal(DataType.DtFloat, node.Attr["dtype"].Type);
        Assert.Equal("second", node.Attr["note"].S.ToStringUtf8());
        Assert.Equal(new AttrValue(), node.Attr["empty"]);
        Assert.Equal(3, node.Attr[string.Empty].I);
        Assert.Equal(4, node.Attr.Count);

        ModelConfig model = TextFormatParser.Parse<ModelConfig>("version_labels { key: 'stable' value: 7 } version_labels { key: 'canary' }");
        Assert.Equal(7L, model.VersionLabels["stable"]);
        Assert.Equal(0L, model.VersionLabels["canary"]);
    }

    [Fact]
    public void StructValueAndListValue()
    {
        Struct s = TextFormatParser.Parse<Struct>("""
            fields { key: "n" value { number_value: 1.5 } }
            fields { key: "l" value { list_value { values { string_value: "a" } values { bool_value: true } values { null_value: NULL_VALUE } } } }
            fields { key: "s" value { struct_value { fields { key: "inner" value { number_value: -1 } } } } }
            """);

        Assert.Equal(1.5, s.Fields["n"].NumberValue);
        Assert.Equal([Value.KindOneofCase.StringValue, Value.KindOneofCase.BoolValue, Value.KindOneofCase.NullValue], s.Fields["l"].ListValue.Values.Select(v => v.KindCase));
        Assert.Equal(-1, s.Fields["s"].StructValue.Fields["inner"].NumberValue);
    }

    [Fact]
    public void WrapperFieldsAreReadAsTheirWrappedValue()
    {
        BatchingParameters parameters = TextFormatParser.Parse<BatchingParameters>(
            "max_batch_size { value: 128 } thread_pool_name: < value: 'pool' > enable_large_batch_splitting { value: true } batch_timeout_micros { }");

        Assert.Equal(128L, parameters.MaxBatchSize);
        Assert.Equal("pool", parameters.ThreadPoolName);
        Assert.True(parameters.EnableLargeBatchSplitting);
        Assert.Equal(0L, parameters.BatchTimeoutMicros);
        Assert.Null(parameters.NumBatchThreads);
    }

    [Fact]
    public void WellKnownTimeTypesAreOrdinaryMessages()
    {
        Assert.Equal(new Duration { Seconds = 5, Nanos = 500 }, TextFormatParser.Parse<Duration>("seconds: 5 nanos: 500"));
        Assert.Equal(new Timestamp { Seconds = -1 }, TextFormatParser.Parse<Timestamp>("seconds: -1"));
    }

    [Fact]
    public void ExpandedAnyIsPackedWithTheWrittenTypeUrl()
    {
        var registry = TypeRegistry.FromMessages(Duration.Descriptor);

        Any any = TextFormatParser.Parse<Any>("[example.com/x/google.protobuf.Duration]: { seconds: 3 }", registry);

        Assert.Equal("example.com/x/google.protobuf.Duration", any.TypeUrl);
        Assert.Equal(new Duration { Seconds = 3 }, Duration.Parser.ParseFrom(any.Value));
    }

    [Fact]
    public void ExpandedAnyFindsTypesImportedByTheRootFileWithoutARegistry()
    {
        // type.proto imports source_context.proto.
        Google.Protobuf.WellKnownTypes.Type type = TextFormatParser.Parse<Google.Protobuf.WellKnownTypes.Type>(
            "options { name: 'o' value { [type.googleapis.com/google.protobuf.SourceContext] { file_name: 'f.proto' } } }");

        Assert.Equal("f.proto", type.Options[0].Value.Unpack<SourceContext>().FileName);
    }

    [Fact]
    public void ParseForbidsSettingASingularFieldTwiceWhileMergeKeepsTheLast()
    {
        var error = Assert.Throws<TextFormatException>(() => TextFormatParser.Parse<NodeDef>("name: 'a' name: 'b'"));
        Assert.Equal("1:15: Non-repeated field \"name\" is specified multiple times.", error.Message);

        var node = new NodeDef { Op = "Keep", Input = { "x" } };
        TextFormatParser.Merge(node, "name: 'a' name: 'b' input: 'y'");
        Assert.Equal("b", node.Name);
        Assert.Equal("Keep", node.Op);
        Assert.Equal(["x", "y"], node.Input);
    }

    [Fact]
    public void ProtoThreeFieldsAtTheirDefaultDoNotCountAsSet()
    {
        // C++ HasField is false for a proto3 scalar at its default, so writing it again is allowed.
        Assert.Equal("b", TextFormatParser.Parse<NodeDef>("name: '' name: 'b'").Name);
    }

    [Fact]
    public void MergeMergesMessageFieldsWrittenAgain()
    {
        var parameters = new BatchingParameters();
        TextFormatParser.Merge(parameters, "max_batch_size { value: 4 } max_batch_size { }");
        Assert.Equal(4L, parameters.MaxBatchSize);

        FileDescriptorProto file = new();
        TextFormatParser.Merge(file, "options { java_package: 'p' } options { java_outer_classname: 'C' }");
        Assert.Equal(("p", "C"), (file.Options.JavaPackage, file.Options.JavaOuterClassname));
    }

    [Fact]
    public void ParseByDescriptorCreatesTheGeneratedType()
    {
        IMessage message = TextFormatParser.Parse(MonitoringConfig.Descriptor, "prometheus_config { enable: true }");

        Assert.True(Assert.IsType<MonitoringConfig>(message).PrometheusConfig.Enable);
    }

    [Fact]
    public void ReservedFieldNamesAreSkipped()
    {
        // descriptor.proto: FileOptions reserves "php_generic_services"; C++ skips reserved names whatever their value.
        FileDescriptorProto file = TextFormatParser.Parse<FileDescriptorProto>(
            "options { php_generic_services: [1, -inf, 'x' 'y', { a { b: 2 } }] php_generic_services < c: 1 > java_package: 'p' }");

        Assert.Equal("p", file.Options.JavaPackage);
    }

    [Fact]
    public void ToleratesByteOrderMarkWhitespaceAndComments()
    {
        MonitoringConfig config = TextFormatParser.Parse<MonitoringConfig>("\uFEFF\r\n\t# comment\n prometheus_config#c\n{enable:true;path:'/m'#c\n}\v\f");

        Assert.Equal("/m", config.PrometheusConfig.Path);
    }

    [Fact]
    public void MultiMegabyteTensorContentIsDecodedExactly()
    {
        byte[] expected = new byte[3_000_000];
        new Random(7).NextBytes(expected);
        string[] escaped = [.. Enumerable.Range(0, 256).Select(b => b is >= 0x20 and < 0x7F and not '"' and not '\\' and not '\''
            ? ((char)b).ToString()
            : "\\" + Convert.ToString(b, 8).PadLeft(3, '0'))];
        var text = new System.Text.StringBuilder("tensor_content: \"");
        foreach (byte b in expected)
        {
            text.Append(escaped[b]);
        }

        text.Append('"');

        TensorProto tensor = TextFormatParser.Parse<TensorProto>(text.ToString());

        Assert.Equal(expected, tensor.TensorContent.ToByteArray());
    }
}
