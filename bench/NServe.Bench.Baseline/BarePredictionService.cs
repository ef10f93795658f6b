using System.Runtime.InteropServices;
using Grpc.Core;
using Tensorflow;
using Tensorflow.Serving;

namespace NServe.Bench.Baseline;

/// <summary>
/// The least a gRPC Predict can do: take the one DT_FLOAT input (tensor_content or float_val), run, and
/// answer with the one output in float_val (NServe's default encoding). No validation.
/// </summary>
internal sealed class BarePredictionService(OrtModel model) : PredictionService.PredictionServiceBase
{
    public override Task<PredictResponse> Predict(PredictRequest request, ServerCallContext context)
    {
        var input = request.Inputs.Values.First();
        var shape = input.TensorShape.Dim.Select(d => d.Size).ToArray();
        float[] values;
        if (!input.TensorContent.IsEmpty)
        {
            values = MemoryMarshal.Cast<byte, float>(input.TensorContent.Span).ToArray();
        }
        else
        {
            values = new float[input.FloatVal.Count];
            input.FloatVal.CopyTo(values, 0);
        }

        using var outputs = model.Run(values, shape);
        var output = outputs.First();
        var tensor = new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto() };
        foreach (var dim in output.GetTensorTypeAndShape().Shape)
        {
            tensor.TensorShape.Dim.Add(new TensorShapeProto.Types.Dim { Size = dim });
        }

        var data = output.GetTensorDataAsSpan<float>();
        tensor.FloatVal.Capacity = data.Length;
        foreach (var value in data)
        {
            tensor.FloatVal.Add(value);
        }

        var response = new PredictResponse { ModelSpec = request.ModelSpec };
        response.Outputs.Add(model.OutputName, tensor);
        return Task.FromResult(response);
    }
}
