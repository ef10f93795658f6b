using System.Buffers;
using System.Text;
using NServe.Core.Errors;
using Tensorflow.Serving;

namespace NServe.Server.Rest.Json;

/// <summary>
/// Writes REST classify and regress responses as TF Serving's <c>MakeJsonFromClassificationResult</c> and
/// <c>MakeJsonFromRegressionResult</c> do: <c>{"results": [[["label", score], ...], ...]}</c> (one list of
/// label/score pairs per example) and <c>{"results": [value, ...]}</c>, numbers in TF Serving's decimal text.
/// </summary>
public static class ExampleResultWriter
{
    /// <exception cref="ServingException">InvalidArgument for an empty result, before anything is written.</exception>
    public static void Write(IBufferWriter<byte> output, ClassificationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Classifications.Count == 0)
        {
            throw ServingException.InvalidArgument("Cannot convert empty ClassificationResults to JSON");
        }

        var json = new JsonOutput(output);
        json.WriteRaw("{\"results\":["u8);
        for (var i = 0; i < result.Classifications.Count; i++)
        {
            json.WriteRaw(i == 0 ? "["u8 : ",["u8);
            var classes = result.Classifications[i].Classes;
            for (var c = 0; c < classes.Count; c++)
            {
                json.WriteRaw(c == 0 ? "["u8 : ",["u8);
                json.WriteString(Encoding.UTF8.GetBytes(classes[c].Label));
                json.WriteByte((byte)',');
                WriteFloat(ref json, classes[c].Score);
                json.WriteByte((byte)']');
            }

            json.WriteByte((byte)']');
        }

        json.WriteRaw("]}"u8);
        json.Flush();
    }

    /// <exception cref="ServingException">InvalidArgument for an empty result, before anything is written.</exception>
    public static void Write(IBufferWriter<byte> output, RegressionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Regressions.Count == 0)
        {
            throw ServingException.InvalidArgument("Cannot convert empty RegressionResults to JSON");
        }

        var json = new JsonOutput(output);
        json.WriteRaw("{\"results\":["u8);
        for (var i = 0; i < result.Regressions.Count; i++)
        {
            if (i > 0)
            {
                json.WriteByte((byte)',');
            }

            WriteFloat(ref json, result.Regressions[i].Value);
        }

        json.WriteRaw("]}"u8);
        json.Flush();
    }

    private static void WriteFloat(ref JsonOutput json, float value)
    {
        var room = json.Reserve(TfDecimalFormatter.MaxLength);
        json.Advance(TfDecimalFormatter.Format(value, room));
    }
}
