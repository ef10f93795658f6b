using System.IO.Compression;
using System.Text;

namespace NServe.EndToEnd.Tests.BadInput;

/// <summary>Malformed requests to TF Serving's REST API (<c>/v1/models/...</c>), with TF Serving's answers.</summary>
public static class RestV1Cases
{
    private const string Predict = "/v1/models/half_plus_two:predict";
    private const string TwoInputs = "/v1/models/two_inputs:predict";
    private const string Strings = "/v1/models/strings:predict";
    private const string Json = "Content-Type: application/json";

    public static IEnumerable<BadInputCase> All()
    {
        // JSON syntax: rapidjson's messages and offsets.
        yield return Post("empty body", Predict, "", "400", "JSON Parse error: The document is empty");
        yield return Post("lone brace", Predict, "{", "400", "JSON Parse error: Missing a name for object member");
        yield return Post("unclosed array", Predict, """{"instances": [1.0, 2.0}""", "400", "Missing a comma or ']' after an array element");
        yield return Post("trailing comma", Predict, """{"instances": [1.0,]}""", "400", "JSON Parse error: Invalid value");
        yield return Post("bare word", Predict, "nul", "400", "JSON Parse error: Invalid value");
        yield return Post("missing colon", Predict, """{"instances" [1.0]}""", "400", "Missing a colon after a name of object member");
        yield return Post("missing comma between members", Predict, """{"instances": [1.0] "x": 1}""", "400", "Missing a comma or '}' after an object member");
        yield return Post("root is a string", Predict, "\"x\"", "400", "Is not object");
        yield return Post("root is an array", Predict, "[1, 2]", "400", "Is not object");
        yield return Post("unterminated string", Strings, """{"instances": ["abc""", "400", "Missing a closing quotation mark in string");
        yield return Post("bad escape", Strings, """{"instances": ["\q"]}""", "400", "Invalid escape character in string");
        yield return Post("bad unicode escape", Strings, """{"instances": ["\u12G4"]}""", "400", "Incorrect hex digit after \\u escape in string");
        yield return Post("lone surrogate", Strings, """{"instances": ["\uD800x"]}""", "400", "The surrogate pair in string is invalid");
        yield return Post("number without fraction", Predict, """{"instances": [1.]}""", "400", "Miss fraction part in number");
        yield return Post("number without exponent", Predict, """{"instances": [1e]}""", "400", "Miss exponent in number");
        yield return Post("number too big", Predict, """{"instances": [1e999999]}""", "400", "Number too big to be stored in double");
        yield return PostBytes("control byte in string", Strings, Bytes("{\"instances\": [\"a", [0x01], "b\"]}"), "400", "Invalid encoding in string");
        yield return PostBytes("NUL byte in string", Strings, Bytes("{\"instances\": [\"a", [0x00], "b\"]}"), "400", "Missing a closing quotation mark in string");

        // Invalid UTF-8: rapidjson does not validate encoding, so only where it breaks the grammar or a type.
        yield return PostBytes("invalid UTF-8 as a value", Predict, Bytes("{\"instances\": [", [0xFF], "]}"), "400", "JSON Parse error: Invalid value");
        yield return PostBytes("invalid UTF-8 string for a float", Predict, Bytes("{\"instances\": [\"", [0xC3, 0x28], "\"]}"), "400", "is not of expected type: float");
        yield return PostBytes("invalid UTF-8 signature name", Predict, Bytes("{\"signature_name\": \"", [0xFF, 0xFE], "\", \"instances\": [1.0]}"), "400", "not found in signature def");
        yield return PostBytes("invalid UTF-8 as a key", TwoInputs, Bytes("{\"instances\": [{\"", [0xFF], "\": [1.0, 2.0, 3.0]}]}"), "400", "JSON object: does not have named input: ");

        // Nesting: bounded by --rest_api_max_json_depth (1024) before any tensor rule.
        yield return Post("100000 open brackets", Predict, "{\"instances\": " + new string('[', 100_000), "400", "Nesting deeper than 1024 levels");
        yield return Post("2000 balanced brackets", Predict, "{\"instances\": " + new string('[', 2000) + "1" + new string(']', 2000) + "}", "400", "Nesting deeper than 1024 levels");
        yield return Post("5000 nested objects", Predict, "{\"instances\": [1], \"x\": " + string.Concat(Enumerable.Repeat("{\"a\":", 5000)) + "1" + new string('}', 5000) + "}", "400", "Nesting deeper than 1024 levels");
        yield return Post("rank 300 tensor", Predict, "{\"inputs\": " + new string('[', 300) + "1" + new string(']', 300) + "}", "400", "deeper than 254 levels");

        // Request structure.
        yield return Post("signature_name not a string", Predict, """{"signature_name": 1, "instances": [1.0]}""", "400", "'signature_name' key must be a string value");
        yield return Post("both instances and inputs", Predict, """{"instances": [1.0], "inputs": [1.0]}""", "400", "expecting only one of 'inputs' or 'instances' keys to exist");
        yield return Post("neither instances nor inputs", Predict, """{"foo": 1}""", "400", "Missing 'inputs' or 'instances' key");
        yield return Post("instances not a list", Predict, """{"instances": 1.0}""", "400", "Expecting 'instances' to be an list/array");
        yield return Post("instances empty", Predict, """{"instances": []}""", "400", "No values in 'instances' array");
        yield return Post("unknown signature", Predict, """{"signature_name": "nope", "instances": [1.0]}""", "400", "Serving signature name: \"nope\" not found in signature def");

        // Types.
        yield return Post("string for float", Predict, """{"instances": ["a"]}""", "400", "JSON Value: \"a\" Type: String is not of expected type: float");
        yield return Post("bool for float", Predict, """{"instances": [true]}""", "400", "is not of expected type: float");
        yield return Post("null for float", Predict, """{"instances": [null]}""", "400", "is not of expected type: float");
        yield return Post("b64 object for float", Predict, """{"instances": [{"b64": "AAAA"}]}""", "400", "is not of expected type: float");
        yield return Post("string for float (columnar)", Predict, """{"inputs": ["a"]}""", "400", "JSON Value: \"a\" Type: String is not of expected type: float");
        yield return Post("float for int32", TwoInputs, """{"inputs": {"x1": [[1.0, 2.0, 3.0]], "inputs_id": [[1.5, 2, 3]]}}""", "400", "is not of expected type: int32");
        yield return Post("int32 overflow", TwoInputs, """{"inputs": {"x1": [[1.0, 2.0, 3.0]], "inputs_id": [[3000000000, 2, 3]]}}""", "400", "is not of expected type: int32");
        yield return Post("number for string", Strings, """{"instances": [1]}""", "400", "is not of expected type: string");

        // Shapes.
        yield return Post("ragged instances", Predict, """{"instances": [[1.0, 2.0], [3.0]]}""", "400", "Failed to process element: 1 of 'instances' list");
        yield return Post("ragged columnar", Predict, """{"inputs": [[1.0, 2.0], [3.0]]}""", "400", "Encountered list at unexpected size");
        yield return Post("list at the wrong level", Predict, """{"inputs": [[1.0], 2.0]}""", "400", "found at incorrect level");
        yield return Post("rank 2 for a rank 1 input", Predict, """{"instances": [[1.0, 2.0]]}""", "400", "shape");
        yield return Post("plain list for two inputs", TwoInputs, """{"instances": [1.0]}""", "400", "instances is a plain list, but expecting list of objects as multiple input tensors required as per tensorinfo_map");
        yield return Post("missing key in instances", TwoInputs, """{"instances": [{"x1": [1.0, 2.0, 3.0]}]}""", "400", "keys must be equal to: inputs_id,x1");
        yield return Post("extra key in instances", TwoInputs, """{"instances": [{"x1": [1.0, 2.0, 3.0], "inputs_id": [1, 2, 3], "zz": 1}]}""", "400", "JSON object: does not have named input: zz");
        yield return Post("missing named input (columnar)", TwoInputs, """{"inputs": {"x1": [[1.0, 2.0, 3.0]]}}""", "400", "Missing named input: inputs_id in 'inputs' object.");
        yield return Post("inner dimension 2 for 3", TwoInputs, """{"inputs": {"x1": [[1.0, 2.0]], "inputs_id": [[1, 2]]}}""", "400", "shape");
        yield return Post("object after a value", Predict, """{"instances": [1.0, {"x": 1.0}]}""", "400", "Expecting value/list but got object at item 1 of input list");

        // Base64.
        yield return Post("b64 not base64", Strings, """{"instances": [{"b64": "!!!!"}]}""", "400", "Unable to base64 decode");
        yield return Post("b64 one character", Strings, """{"instances": [{"b64": "A"}]}""", "400", "Unable to base64 decode");
        yield return Post("b64 not a string", Strings, """{"instances": [{"b64": 1}]}""", "400", "");
        yield return Post("b64 with an extra key", Strings, """{"instances": [{"b64": "AA==", "x": 1}]}""", "400", "");
        yield return Post("b64 megabyte of padding", Strings, "{\"instances\": [{\"b64\": \"" + new string('=', 1 << 20) + "\"}]}", "400", "Unable to base64 decode");

        // Classify and regress: the body is converted before the model is looked up, as in TF Serving.
        yield return Post("classify 100000 open brackets", "/v1/models/half_plus_two:classify", "{\"examples\": " + new string('[', 100_000), "400", "Nesting deeper than 1024 levels");
        yield return Post("classify without examples", "/v1/models/half_plus_two:classify", "{}", "400", "When method is classify, key 'examples' is expected and was not found");
        yield return Post("regress examples not a list", "/v1/models/half_plus_two:regress", """{"examples": 1}""", "400", "Expecting 'examples' value to be an list/array");
        yield return Post("regress examples empty", "/v1/models/half_plus_two:regress", """{"examples": []}""", "400", "'examples' value is an empty array");
        yield return Post("regress null feature", "/v1/models/half_plus_two:regress", """{"examples": [{"x": null}]}""", "400", "Feature: x has element with unexpected JSON type");
        yield return Post("regress mixed list", "/v1/models/half_plus_two:regress", """{"examples": [{"x": [1.0, 2]}]}""", "400", "Unexpected element type in feature: x expecting type: float");
        yield return Post("regress example not an object", "/v1/models/half_plus_two:regress", """{"examples": [1]}""", "400", "Example must be JSON object but got JSON");
        yield return Post("regress on a model without a regress signature", "/v1/models/half_plus_two:regress", """{"examples": [{"x": 1.0}]}""", "400", "No regression inputs found in SignatureDef");

        // Paths.
        yield return Post("unknown model", "/v1/models/nope:predict", """{"instances": [1.0]}""", "404", "nope");
        yield return Post("unknown version", "/v1/models/half_plus_two/versions/9:predict", """{"instances": [1.0]}""", "404", "half_plus_two");
        yield return Post("unknown label", "/v1/models/half_plus_two/labels/nope:predict", """{"instances": [1.0]}""", "400", "nope");
        yield return Post("version not a number", "/v1/models/half_plus_two/versions/abc:predict", """{"instances": [1.0]}""", "400", "Malformed request");
        yield return Post("version beyond int64", "/v1/models/half_plus_two/versions/18446744073709551615:predict", """{"instances": [1.0]}""", "400", "");
        yield return Post("version and label", "/v1/models/half_plus_two/versions/1/labels/stable:predict", """{"instances": [1.0]}""", "400", "Malformed request");
        yield return Post("dot segments", "/v1/models/../../etc/passwd:predict", """{"instances": [1.0]}""", "400", "Malformed request");
        yield return Post("unknown verb", "/v1/models/half_plus_two:explode", """{"instances": [1.0]}""", "400", "Malformed request");
        yield return Post("no model name", "/v1/models:predict", """{"instances": [1.0]}""", "400", "Malformed request");
        yield return Get("dot-dot as model name", "/v1/models/..", "404", "..");
        yield return Get("encoded dot segments", "/v1/models/%2e%2e%2f%2e%2e%2fetc", "404", "../../etc");
        yield return Get("bad percent escape", "/v1/models/%zz", "404", "%zz");
        yield return Get("encoded NUL in name (refused by Kestrel)", "/v1/models/a%00b", "400", "");
        yield return Get("4000-character name", "/v1/models/" + new string('m', 4000), "404", new string('m', 100));
        yield return Get("100000-character name", "/v1/models/" + new string('m', 100_000), "414", "");
        yield return Get("unknown version status", "/v1/models/half_plus_two/versions/9", "404", "");
        yield return Get("unknown version metadata", "/v1/models/half_plus_two/versions/9/metadata", "404", "half_plus_two");
        yield return Get("unknown label metadata", "/v1/models/half_plus_two/labels/nope/metadata", "400", "nope");
        yield return Get("predict with GET", Predict, "400", "Malformed request");
        yield return Get("missing model name", "/v1/models/", "400", "");
        yield return Get("not under /v1", "/v1x/models/half_plus_two", "404", "");
        yield return Get("unknown model metadata", "/v1/models/nope/metadata", "404", "nope");
        yield return Send("DELETE a model", "DELETE", "/v1/models/half_plus_two", [], [], "400", "Malformed request: DELETE");
        yield return Send("PUT a prediction", "PUT", Predict, Encoding.UTF8.GetBytes("""{"instances": [1.0]}"""), [Json], "400", "Malformed request: PUT");
        yield return Send("raw non-ASCII byte in target", "GET", "/v1/models/caf\u00e9", [], [], "400", "");
        yield return Send("OPTIONS without Origin", "OPTIONS", Predict, [], [], "400", "");

        // Headers and bodies.
        yield return Send("form content type (ignored, as TF)", "POST", Predict, Encoding.UTF8.GetBytes("""{"instances": [1.0]}"""), ["Content-Type: application/x-www-form-urlencoded"], "200", "predictions");
        yield return Send("gzip header on plain JSON", "POST", Predict, Encoding.UTF8.GetBytes("""{"instances": [1.0]}"""), [Json, "Content-Encoding: gzip"], "400", "JSON Parse error: The document is empty");
        yield return Send("corrupt gzip", "POST", Predict, [0x1F, 0x8B, 0x08, 0x00, 0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x03, 0xFF, 0xFF, 0xFF], [Json, "Content-Encoding: gzip"], "400", "JSON Parse error: The document is empty");
        yield return Send("truncated gzip", "POST", Predict, Gzip("{\"instances\": [" + string.Join(",", Enumerable.Repeat("1.0", 1000)) + "]}")[..40], [Json, "Content-Encoding: gzip"], "400", "JSON Parse error: Invalid value");
        yield return Send("gzip bomb beyond the gunzip limit", "POST", Predict, GzipBomb(), [Json, "Content-Encoding: gzip"], "400", "JSON Parse error: The document is empty");
        yield return Send("gzip (accepted, as TF)", "POST", Predict, Gzip("""{"instances": [1.0, 2.0]}"""), [Json, "Content-Encoding: gzip"], "200", "predictions");
        yield return Send("deflate is not unpacked (as TF)", "POST", Predict, Deflate("""{"instances": [1.0]}"""), [Json, "Content-Encoding: deflate"], "400", "JSON Parse error");
        yield return Send("GZIP in capitals is not unpacked (as TF)", "POST", Predict, Gzip("""{"instances": [1.0]}"""), [Json, "Content-Encoding: GZIP"], "400", "JSON Parse error");
        yield return Send("body over the limit", "POST", Predict, Oversize(), [Json], "413", "larger than 16777216 bytes");
        yield return new BadInputCase("chunked body over the limit", "413", "larger than 16777216 bytes",
            s => RawHttp.SendAsync(s.RestPort, "POST", Predict, Oversize(), [Json], chunked: true));
        yield return new BadInputCase("Content-Length of a terabyte, ten bytes sent", "413", "larger than 16777216 bytes",
            s => RawHttp.SendAsync(s.RestPort, "POST", Predict, Encoding.UTF8.GetBytes("{\"instance"), [Json], contentLength: 1L << 40, stopEarly: true));
        // A body that stalls meets --rest_api_timeout_in_ms (2 s here) while it is read: 504, no hang.
        yield return new BadInputCase("Content-Length of 8 MiB, ten bytes sent, then silence", "504", "Deadline exceeded while reading the request body",
            s => RawHttp.SendAsync(s.RestPort, "POST", Predict, Encoding.UTF8.GetBytes("{\"instance"), [Json], contentLength: 8L << 20, stopEarly: true));
        yield return new BadInputCase("chunked body stalled mid-way", "504", "Deadline exceeded while reading the request body",
            s => RawHttp.SendAsync(s.RestPort, "POST", Predict, Encoding.UTF8.GetBytes("{\"instances\": [1.0"), [Json], chunked: true, stopEarly: true));
        yield return new BadInputCase("Content-Length not a number", "400", "",
            s => RawHttp.SendAsync(s.RestPort, "POST", Predict, [], [Json, "Content-Length: abc"], contentLength: null));
        yield return new BadInputCase("two different Content-Lengths", "400", "",
            s => RawHttp.SendAsync(s.RestPort, "POST", Predict, Encoding.UTF8.GetBytes("{}"), [Json, "Content-Length: 2", "Content-Length: 5"], contentLength: null));
    }

    private static BadInputCase Post(string name, string target, string body, string status, string message) =>
        Send(name, "POST", target, Encoding.UTF8.GetBytes(body), [Json], status, message);

    private static BadInputCase PostBytes(string name, string target, byte[] body, string status, string message) =>
        Send(name, "POST", target, body, [Json], status, message);

    private static BadInputCase Get(string name, string target, string status, string message) =>
        Send(name, "GET", target, [], [], status, message);

    private static BadInputCase Send(string name, string method, string target, byte[] body, string[] headers, string status, string message) =>
        new(name, status, message, s => RawHttp.SendAsync(s.RestPort, method, target, body, headers));

    private static byte[] Bytes(string before, byte[] raw, string after) =>
        [.. Encoding.UTF8.GetBytes(before), .. raw, .. Encoding.UTF8.GetBytes(after)];

    private static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }

    private static byte[] Deflate(string text)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal))
        {
            deflate.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }

    /// <summary>A valid request followed by 17 MiB of spaces (one more than the server inflates): about 17 KiB compressed.</summary>
    private static byte[] GzipBomb()
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write("""{"instances": [1.0]}"""u8);
            var spaces = new byte[1 << 20];
            spaces.AsSpan().Fill((byte)' ');
            for (var i = 0; i < 17; i++)
            {
                gzip.Write(spaces);
            }
        }

        return output.ToArray();
    }

    /// <summary>A well-formed request of 17 MiB: one more than the battery server accepts.</summary>
    private static byte[] Oversize()
    {
        var body = new byte[17 << 20];
        body.AsSpan().Fill((byte)' ');
        """{"instances": [1.0]}"""u8.CopyTo(body);
        return body;
    }
}
