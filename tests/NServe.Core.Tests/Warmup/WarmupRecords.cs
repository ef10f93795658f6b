using Google.Protobuf;
using NServe.Core.Tensors;
using NServe.Core.Warmup;
using Tensorflow.Serving;

namespace NServe.Core.Tests.Warmup;

/// <summary>Builds warmup files for tests: PredictionLog records in TFRecord framing.</summary>
internal static class WarmupRecords
{
    public static PredictionLog Predict(float x, string signature = "", string input = "x")
    {
        var request = new PredictRequest { ModelSpec = new ModelSpec { Name = "m", SignatureName = signature } };
        using var tensor = Tensor.FromValues<float>(TensorDataType.Float, [1], [x]);
        request.Inputs.Add(input, TensorProtoConverter.ToProto(tensor));
        return new PredictionLog { PredictLog = new PredictLog { Request = request } };
    }

    public static PredictionLog Classify() =>
        new() { ClassifyLog = new ClassifyLog { Request = new ClassificationRequest { ModelSpec = new ModelSpec { Name = "m" } } } };

    public static PredictionLog Regress() =>
        new() { RegressLog = new RegressLog { Request = new RegressionRequest { ModelSpec = new ModelSpec { Name = "m" } } } };

    /// <summary>Writes <paramref name="logs"/> to the warmup file of <paramref name="versionPath"/>.</summary>
    public static string Write(string versionPath, IEnumerable<PredictionLog> logs) =>
        WriteRaw(versionPath, logs.Select(l => l.ToByteArray()));

    public static string WriteRaw(string versionPath, IEnumerable<byte[]> records)
    {
        var path = WarmupFile.PathIn(versionPath);
        using var writer = TfRecordWriter.Create(path);
        foreach (var record in records)
        {
            writer.Write(record);
        }

        return path;
    }
}
