using NServe.Core.Errors;
using NServe.Core.Tensors;
using static NServe.Server.Tests.Rest.Json.JsonTestSupport;

namespace NServe.Server.Tests.Rest.Json;

/// <summary>
/// Malformed JSON gives rapidjson's message and offset (GetParseError_En texts; iterative parser states),
/// before anything else is looked at.
/// </summary>
public class JsonSyntaxErrorTests
{
    [Theory]
    [InlineData("   ", "The document is empty.", 3)]
    [InlineData("}", "The document is empty.", 0)]
    [InlineData("\n,", "The document is empty.", 1)]
    [InlineData("{\"instances\": [1,]}", "Invalid value.", 17)]
    [InlineData("{\"instances\": }", "Invalid value.", 14)]
    [InlineData("{\"instances\": [}", "Invalid value.", 15)]
    [InlineData("{\"instances\": [1 2]}", "Missing a comma or ']' after an array element.", 17)]
    [InlineData("{\"instances\": [1}", "Missing a comma or ']' after an array element.", 16)]
    [InlineData("{\"instances\": [1]", "Missing a comma or '}' after an object member.", 17)]
    [InlineData("{\"a\": 1 \"b\": 2}", "Missing a comma or '}' after an object member.", 8)]
    [InlineData("{\"a\": 1,}", "Missing a name for object member.", 8)]
    [InlineData("{1: 2}", "Missing a name for object member.", 1)]
    [InlineData("{", "Missing a name for object member.", 1)]
    [InlineData("{\"a\" 1}", "Missing a colon after a name of object member.", 5)]
    [InlineData("{\"a\"", "Missing a colon after a name of object member.", 4)]
    [InlineData("{\"a\": tru}", "Invalid value.", 9)]
    [InlineData("{\"a\": nul}", "Invalid value.", 9)]
    [InlineData("{\"a\": fals}", "Invalid value.", 10)]
    [InlineData("{\"a\": Nan}", "Invalid value.", 8)]
    [InlineData("{\"a\": Infinit}", "Invalid value.", 13)]
    [InlineData("{\"a\": -x}", "Invalid value.", 7)]
    [InlineData("{\"a\": x}", "Invalid value.", 6)]
    [InlineData("{\"a\": 'x'}", "Invalid value.", 6)]
    [InlineData("{\"a\": 1.}", "Miss fraction part in number.", 8)]
    [InlineData("{\"a\": 1.e5}", "Miss fraction part in number.", 8)]
    [InlineData("{\"a\": 1e}", "Miss exponent in number.", 8)]
    [InlineData("{\"a\": 1e+}", "Miss exponent in number.", 9)]
    [InlineData("{\"a\": 1e400}", "Number too big to be stored in double.", 6)]
    [InlineData("{\"a\": -1e309}", "Number too big to be stored in double.", 6)]
    [InlineData("{\"a\": 01}", "Missing a comma or '}' after an object member.", 7)]
    [InlineData("{\"a\": \"x", "Missing a closing quotation mark in string.", 8)]
    [InlineData("{\"a\": \"\\x\"}", "Invalid escape character in string.", 7)]
    [InlineData("{\"a\": \"\\u12G4\"}", "Incorrect hex digit after \\u escape in string.", 7)]
    [InlineData("{\"a\": \"ab\\u12\"}", "Incorrect hex digit after \\u escape in string.", 9)]
    [InlineData("{\"a\": \"\\uD800\"}", "The surrogate pair in string is invalid.", 7)]
    [InlineData("{\"a\": \"\\uD800\\u0041\"}", "The surrogate pair in string is invalid.", 7)]
    [InlineData("{\"a\": \"\\uDC00\"}", "The surrogate pair in string is invalid.", 7)]
    [InlineData("{\"a\": \"\t\"}", "Invalid encoding in string.", 7)]
    [InlineData("{\"a\": \"x\u0000\"}", "Missing a closing quotation mark in string.", 8)]
    [InlineData("{\"a\u0001\": 1}", "Invalid encoding in string.", 3)]
    [InlineData("{\"instances\": [1], \"x\": [[[}", "Invalid value.", 27)]
    public void Malformed_json_gives_rapidjsons_message_and_offset(string body, string message, int offset)
    {
        var error = ReadError(body, Signature(("x", TensorDataType.Float)));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Equal($"JSON Parse error: {message} at offset: {offset}", error.Message);
    }

    [Fact]
    public void Syntax_errors_win_over_everything_else()
    {
        // The bad value for a float sits before the syntax error, yet the syntax error is what TF reports.
        var error = ReadError("""{"instances": ["x"], "other": [1 2]}""", Signature(("x", TensorDataType.Float)));

        Assert.StartsWith("JSON Parse error: Missing a comma or ']' after an array element.", error.Message);
    }
}
