using NServe.Core.RequestLogging;
using NServe.Core.Tensors;
using Tensorflow.Serving;

namespace NServe.Server.Serving;

/// <summary>
/// Where the APIs hand answered requests to the model's request log (its config's <c>logging_config</c>):
/// each call draws the sampling decision first, so an unsampled or unlogged request costs a lookup and at
/// most one random draw, and protos are built only for the requests that are written. Only successful
/// requests are logged, as in TF Serving.
/// </summary>
public sealed class RequestLogRecorder(RequestLoggers loggers)
{
    public void Classify(ClassificationRequest request, ClassificationResponse response)
    {
        if (Sample(response.ModelSpec.Name) is { } logger)
        {
            logger.Log(new PredictionLog { ClassifyLog = new ClassifyLog { Request = request, Response = response } }, response.ModelSpec);
        }
    }

    public void Regress(RegressionRequest request, RegressionResponse response)
    {
        if (Sample(response.ModelSpec.Name) is { } logger)
        {
            logger.Log(new PredictionLog { RegressLog = new RegressLog { Request = request, Response = response } }, response.ModelSpec);
        }
    }

    public void MultiInference(string modelName, MultiInferenceRequest request, MultiInferenceResponse response)
    {
        if (Sample(modelName) is { } logger)
        {
            var spec = response.Results.Count > 0 ? response.Results[0].ModelSpec : new ModelSpec { Name = modelName };
            logger.Log(new PredictionLog { MultiInferenceLog = new MultiInferenceLog { Request = request, Response = response } }, spec);
        }
    }

    public void Predict(PredictRequest request, PredictResponse response)
    {
        if (Sample(response.ModelSpec.Name) is { } logger)
        {
            logger.Log(new PredictionLog { PredictLog = new PredictLog { Request = request, Response = response } }, response.ModelSpec);
        }
    }

    /// <summary>
    /// A REST predict, whose request and response exist only as tensors: they become protos only when the
    /// request is sampled. Call before the tensors are disposed.
    /// </summary>
    public void Predict(string model, long version, string signatureKey, IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyList<KeyValuePair<string, Tensor>> outputs)
    {
        if (Sample(model) is not { } logger)
        {
            return;
        }

        var spec = new ModelSpec { Name = model, Version = version, SignatureName = signatureKey };

        var request = new PredictRequest { ModelSpec = spec };
        foreach (var (alias, tensor) in inputs)
        {
            request.Inputs.Add(alias, TensorProtoConverter.ToProto(tensor, useTensorContent: true));
        }

        var response = new PredictResponse { ModelSpec = spec };
        foreach (var (alias, tensor) in outputs)
        {
            response.Outputs.Add(alias, TensorProtoConverter.ToProto(tensor, useTensorContent: true));
        }

        logger.Log(new PredictionLog { PredictLog = new PredictLog { Request = request, Response = response } }, spec);
    }

    private RequestLogger? Sample(string model) =>
        loggers.Find(model) is { } logger && logger.ShouldSample() ? logger : null;
}
