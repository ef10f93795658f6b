using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Tensors;
using Tensorflow.Serving;

namespace NServe.Core.Inference;

/// <summary>
/// Classify, Regress and MultiInference on a servable, as TF Serving runs them (classifier.cc, regressor.cc,
/// multi_inference.cc): the signature is checked, the request's examples become a DT_STRING [N] tensor of
/// serialized tf.Examples fed to the signature's <c>inputs</c>, and the outputs become the result protos.
/// Shared by the REST and gRPC APIs and by warmup replay.
/// </summary>
/// <param name="checkSignatureMethodName"><c>--enable_signature_method_name_check</c>.</param>
public sealed class ExampleInference(bool checkSignatureMethodName = false)
{
    public bool ChecksSignatureMethodName { get; } = checkSignatureMethodName;

    public async Task<ClassificationResponse> ClassifyAsync(IServable servable, ClassificationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(servable);
        ArgumentNullException.ThrowIfNull(request);
        var key = ExampleSignatures.Key(request.ModelSpec?.SignatureName);
        var signature = ExampleSignatures.FindClassification(servable, key, ChecksSignatureMethodName);
        using var examples = SerializedExamples.ToTensor(request.Input);
        var result = await RunAsync(
            servable, key, examples, ExampleSignatures.ClassificationOutputs(signature), ClassificationResults.FromOutputs, cancellationToken).ConfigureAwait(false);
        return new ClassificationResponse { ModelSpec = ResponseSpec(request.ModelSpec, key, servable.Id.Version), Result = result };
    }

    public async Task<RegressionResponse> RegressAsync(IServable servable, RegressionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(servable);
        ArgumentNullException.ThrowIfNull(request);
        var key = ExampleSignatures.Key(request.ModelSpec?.SignatureName);
        ExampleSignatures.FindRegression(servable, key, ChecksSignatureMethodName);
        using var examples = SerializedExamples.ToTensor(request.Input);
        var result = await RunAsync(
            servable, key, examples, [ExampleSignatures.OutputsAlias], RegressionResults.FromOutputs, cancellationToken).ConfigureAwait(false);
        return new RegressionResponse { ModelSpec = ResponseSpec(request.ModelSpec, key, servable.Id.Version), Result = result };
    }

    /// <summary>
    /// Runs every task on the one input. TF Serving runs all the tasks' outputs in one session call; NServe
    /// runs each task's signature in turn on the same serialized examples, which gives the same results.
    /// </summary>
    public async Task<MultiInferenceResponse> MultiInferenceAsync(IServable servable, MultiInferenceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(servable);
        ArgumentNullException.ThrowIfNull(request);
        var tasks = PlanTasks(servable, request);
        using var examples = SerializedExamples.ToTensor(request.Input);
        var response = new MultiInferenceResponse();
        foreach (var (task, key, signature, classify) in tasks)
        {
            var result = new InferenceResult { ModelSpec = task.ModelSpec.Clone() };
            result.ModelSpec.Version = servable.Id.Version;
            if (classify)
            {
                result.ClassificationResult = await RunAsync(
                    servable, key, examples, ExampleSignatures.ClassificationOutputs(signature), ClassificationResults.FromOutputs, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                result.RegressionResult = await RunAsync(
                    servable, key, examples, [ExampleSignatures.OutputsAlias], RegressionResults.FromOutputs, cancellationToken).ConfigureAwait(false);
            }

            response.Results.Add(result);
        }

        return response;
    }

    /// <summary>The model spec of a MultiInference request: its first task's (TF Serving's <c>GetModelSpecFromRequest</c>).</summary>
    public static ModelSpec ModelSpecOf(MultiInferenceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Tasks.Count > 0 && request.Tasks[0].ModelSpec is { } spec ? spec : new ModelSpec();
    }

    private List<(InferenceTask Task, string Key, Signature Signature, bool Classify)> PlanTasks(IServable servable, MultiInferenceRequest request)
    {
        var plans = new List<(InferenceTask, string, Signature, bool)>(request.Tasks.Count);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        string? modelName = null;
        string? inputName = null;
        foreach (var task in request.Tasks)
        {
            var name = task.ModelSpec?.Name ?? "";
            if (name.Length == 0)
            {
                throw ServingException.InvalidArgument("Found ModelSpec with an empty model name.");
            }

            if (modelName is null)
            {
                modelName = name;
            }
            else if (modelName != name)
            {
                throw ServingException.InvalidArgument("All ModelSpecs in a MultiInferenceRequest must access the same model name.");
            }

            var key = ExampleSignatures.Key(task.ModelSpec!.SignatureName);
            if (!keys.Add(key))
            {
                throw ServingException.InvalidArgument($"Duplicate evaluation of signature: {key}");
            }

            if (!servable.Signatures.TryGetValue(key, out var signature))
            {
                throw ServingException.InvalidArgument($"Requested signature not found in model graph: {key}");
            }

            bool classify;
            if (task.MethodName == Signature.ClassifyMethod)
            {
                ExampleSignatures.CheckClassification(signature, ChecksSignatureMethodName);
                classify = true;
            }
            else if (task.MethodName == Signature.RegressMethod)
            {
                ExampleSignatures.CheckRegression(signature, ChecksSignatureMethodName);
                classify = false;
            }
            else
            {
                throw ServingException.Unimplemented($"Unsupported signature method_name: {task.MethodName}");
            }

            var input = signature.InputsByAlias[ExampleSignatures.InputsAlias].Name;
            if (inputName is null)
            {
                inputName = input;
            }
            else if (inputName != input)
            {
                throw ServingException.InvalidArgument("Input tensor must be the same for all Signatures.");
            }

            plans.Add((task, key, signature, classify));
        }

        return plans;
    }

    private static async Task<TResult> RunAsync<TResult>(
        IServable servable,
        string key,
        Tensor examples,
        IReadOnlyList<string> outputAliases,
        Func<IReadOnlyDictionary<string, Tensor>, int, TResult> toResult,
        CancellationToken cancellationToken)
    {
        var inputs = new Dictionary<string, Tensor>(1, StringComparer.Ordinal) { [ExampleSignatures.InputsAlias] = examples };
        var outputs = await servable.RunAsync(key, inputs, outputAliases, cancellationToken).ConfigureAwait(false);
        try
        {
            return toResult(outputs, (int)examples.Shape[0]);
        }
        finally
        {
            foreach (var tensor in outputs.Values)
            {
                tensor.Dispose();
            }
        }
    }

    // TF Serving's MakeModelSpec: the request's name, its signature name (empty becomes serving_default), the version run.
    private static ModelSpec ResponseSpec(ModelSpec? requested, string key, long version) =>
        new() { Name = requested?.Name ?? "", SignatureName = key, Version = version };
}
