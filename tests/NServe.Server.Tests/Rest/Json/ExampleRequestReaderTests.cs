using System.Text;
using NServe.Core.Errors;
using NServe.Server.Rest.Json;
using Tensorflow;
using Tensorflow.Serving;

namespace NServe.Server.Tests.Rest.Json;

/// <summary>
/// REST classify/regress bodies become tf.Examples as TF Serving's json_tensor.cc builds them (rest_api.md §5),
/// and bad bodies fail with its messages.
/// </summary>
public class ExampleRequestReaderTests
{
    [Fact]
    public void NumbersWithAFractionAreFloatsIntegersAndBooleansAreInt64sStringsAndBase64AreBytes()
    {
        var parsed = Read("""{"signature_name": "classify_x_to_y", "examples": [{"x": 2.0, "n": [1, -2, 9223372036854775807], "flag": true, "off": [false], "s": "caf\u00e9", "raw": {"b64": "AAH/"}, "e": 1e3, "none": []}]}""");

        Assert.Equal("classify_x_to_y", parsed.SignatureName);
        Assert.Equal(Input.KindOneofCase.ExampleList, parsed.Input.KindCase);
        var features = Assert.Single(parsed.Input.ExampleList.Examples).Features.Feature;
        Assert.Equal([2.0f], features["x"].FloatList.Value);
        Assert.Equal([1L, -2L, long.MaxValue], features["n"].Int64List.Value);
        Assert.Equal([1L], features["flag"].Int64List.Value);
        Assert.Equal([0L], features["off"].Int64List.Value);
        Assert.Equal("café", Assert.Single(features["s"].BytesList.Value).ToStringUtf8());
        Assert.Equal(new byte[] { 0, 1, 255 }, Assert.Single(features["raw"].BytesList.Value).ToByteArray());
        Assert.Equal([1000f], features["e"].FloatList.Value);
        Assert.Equal(Feature.KindOneofCase.None, features["none"].KindCase);
    }

    [Fact]
    public void AContextMakesAnExampleListWithContextInTheGivenOrder()
    {
        var parsed = Read("""{"examples": [{"x": 1}, {"x": 2}, {"x": 3}], "context": {"country": "nl"}}""");

        Assert.Equal("", parsed.SignatureName);
        Assert.Equal(Input.KindOneofCase.ExampleListWithContext, parsed.Input.KindCase);
        var list = parsed.Input.ExampleListWithContext;
        Assert.Equal("nl", list.Context.Features.Feature["country"].BytesList.Value[0].ToStringUtf8());
        Assert.Equal([1L, 2L, 3L], list.Examples.Select(e => e.Features.Feature["x"].Int64List.Value[0]));
    }

    [Fact]
    public void ARepeatedFeatureNameKeepsTheLastValueAndEscapedNamesAreDecoded()
    {
        var features = Read("""{"examples": [{"x": 1.5, "x": 2.5, "a\"b": 1}]}""").Input.ExampleList.Examples[0].Features.Feature;

        Assert.Equal([2.5f], features["x"].FloatList.Value);
        Assert.Equal([1L], features["a\"b"].Int64List.Value);
    }

    [Theory]
    [InlineData("""{"examples": [{"x": [1.0, 2]}]}""", "Unexpected element type in feature: x expecting type: float")]
    [InlineData("""{"examples": [{"x": [1, 2.0]}]}""", "Unexpected element type in feature: x expecting type: int64")]
    [InlineData("""{"examples": [{"x": ["a", 1]}]}""", "Unexpected element type in feature: x expecting type: bytes")]
    [InlineData("""{"examples": [{"x": [true, "a"]}]}""", "Unexpected element type in feature: x expecting type: int64")]
    [InlineData("""{"examples": [{"x": [1.0, {"b64": "AA=="}]}]}""", "Unexpected element type in feature: x expecting type: float")]
    [InlineData("""{"examples": [{"x": null}]}""", "Feature: x has element with unexpected JSON type: Null")]
    [InlineData("""{"examples": [{"x": [[1]]}]}""", "Feature: x has element with unexpected JSON type: Array")]
    [InlineData("""{"examples": [{"x": {"y": 1}}]}""", "Feature: x has element with unexpected JSON type: Object")]
    [InlineData("""{"examples": [{"x": 18446744073709551615}]}""", "Feature: x has uint64 element. Only int64 is supported.")]
    [InlineData("""{"examples": [{"x": 1e300}]}""", "Cannot convert JSON value: 1e+300 to float without loss of precision.")]
    [InlineData("""{"examples": [{"x": {"b64": "###"}}]}""", "Unable to base64 decode")]
    [InlineData("""{"examples": [1]}""", "Example must be JSON object but got JSON Number")]
    [InlineData("""{"examples": [[{"x": 1}]]}""", "Example must be JSON object but got JSON Array")]
    [InlineData("""{"context": "x", "examples": [{"x": 1}]}""", "Example must be JSON object but got JSON String")]
    [InlineData("""{"examples": []}""", "'examples' value is an empty array")]
    [InlineData("""{"examples": {"x": 1}}""", "Expecting 'examples' value to be an list/array")]
    [InlineData("""{"instances": [1]}""", "When method is classify, key 'examples' is expected and was not found")]
    [InlineData("""{"signature_name": 1, "examples": [{"x": 1}]}""", "'signature_name' key must be a string value.")]
    [InlineData("""[{"x": 1}]""", "Is not object")]
    [InlineData("""{"examples": [{"x": 1}""", "JSON Parse error: Missing a comma or ']' after an array element. at offset: 22")]
    [InlineData("", "JSON Parse error: The document is empty")]
    public void ABadBodyIsInvalidArgumentWithTfServingsMessage(string body, string message)
    {
        var error = Assert.Throws<ServingException>(() => Read(body));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static ExampleRequestJson Read(string body) => ExampleRequestReader.Read(Encoding.UTF8.GetBytes(body));
}
