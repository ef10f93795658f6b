using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NServe.Core.Tensors;
using NServe.Onnx;

namespace NServe.TensorFlow.Tests.Conversion;

/// <summary>Runs a converted model on ONNX Runtime (a session from the model bytes) and reads its outputs back.</summary>
internal static class OnnxTestRunner
{
    public static Dictionary<string, TestTensor> Run(global::Onnx.ModelProto model, IReadOnlyDictionary<string, TestTensor> inputs, IReadOnlyList<string>? outputs = null)
    {
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(model.ToByteArray(), options);
        var names = inputs.Keys.ToArray();
        var values = names.Select(n => ToOrt(inputs[n])).ToArray();
        try
        {
            var outputNames = outputs?.ToArray() ?? session.OutputNames.ToArray();
            // A converted loop whose condition never turns false would run forever: stop it, and fail the test.
            using var runOptions = new RunOptions();
            using var watchdog = new Timer(_ => runOptions.Terminate = true, null, TimeSpan.FromSeconds(30), Timeout.InfiniteTimeSpan);
            using var results = session.Run(runOptions, names, values, outputNames);
            var answer = new Dictionary<string, TestTensor>(StringComparer.Ordinal);
            for (var i = 0; i < outputNames.Length; i++)
            {
                answer[outputNames[i]] = FromOrt(results[i]);
            }

            return answer;
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    private static OrtValue ToOrt(TestTensor tensor)
    {
        var shape = tensor.Shape;
        switch (tensor.Type)
        {
            case TensorDataType.Float:
                return OrtValue.CreateTensorValueFromMemory(tensor.Numbers.Select(v => (float)v).ToArray(), shape);
            case TensorDataType.Double:
                return OrtValue.CreateTensorValueFromMemory(tensor.Numbers.ToArray(), shape);
            case TensorDataType.Int32:
                return OrtValue.CreateTensorValueFromMemory(tensor.Numbers.Select(v => (int)v).ToArray(), shape);
            case TensorDataType.Int64:
                return OrtValue.CreateTensorValueFromMemory(tensor.Numbers.Select(v => (long)v).ToArray(), shape);
            case TensorDataType.UInt8:
                return OrtValue.CreateTensorValueFromMemory(tensor.Numbers.Select(v => (byte)v).ToArray(), shape);
            case TensorDataType.Bool:
                return OrtValue.CreateTensorValueFromMemory(tensor.Numbers.Select(v => v != 0).ToArray(), shape);
            case TensorDataType.String:
                var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
                for (var i = 0; i < tensor.Strings!.Length; i++)
                {
                    value.StringTensorSetElementAt(tensor.Strings[i].AsSpan(), i);
                }

                return value;
            default:
                throw new NotSupportedException(tensor.Type.ToString());
        }
    }

    private static TestTensor FromOrt(OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        var shape = info.Shape;
        var count = (int)info.ElementCount;
        var type = OnnxDataTypes.FromOrt(info.ElementDataType);
        if (info.ElementDataType == TensorElementType.String)
        {
            return TestTensor.Text(shape, Enumerable.Range(0, count).Select(value.GetStringElement).ToArray());
        }

        double[] numbers = info.ElementDataType switch
        {
            TensorElementType.Float => value.GetTensorDataAsSpan<float>().ToArray().Select(v => (double)v).ToArray(),
            TensorElementType.Double => value.GetTensorDataAsSpan<double>().ToArray(),
            TensorElementType.Int32 => value.GetTensorDataAsSpan<int>().ToArray().Select(v => (double)v).ToArray(),
            TensorElementType.Int64 => value.GetTensorDataAsSpan<long>().ToArray().Select(v => (double)v).ToArray(),
            TensorElementType.UInt8 => value.GetTensorDataAsSpan<byte>().ToArray().Select(v => (double)v).ToArray(),
            TensorElementType.Bool => value.GetTensorDataAsSpan<bool>().ToArray().Select(v => v ? 1.0 : 0.0).ToArray(),
            _ => throw new NotSupportedException(info.ElementDataType.ToString()),
        };
        return new TestTensor(type, shape, numbers);
    }
}
