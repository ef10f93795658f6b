using System.Net;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Tensorflow;
using Tensorflow.Serving;

namespace NServe.Bench.Chaos;

/// <summary>
/// One client loop: picks a target (latest, a version it saw AVAILABLE, a label, the other models), sends a
/// predict over REST or gRPC, and judges the answer or the error.
/// </summary>
public sealed class LoadWorker(
    bool grpc,
    ChaosServer server,
    ChaosLedger ledger,
    AnswerJudge judge,
    ChaosTally tally,
    Func<long[]> availableVersions,
    bool withSavedModel,
    TimeSpan pause,
    int seed)
{
    private static readonly string[] Labels = ["stable", "canary"];
    private readonly Random _random = new(seed);

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var target = PickTarget();
            var inputs = new float[1 + _random.Next(4)];
            for (var i = 0; i < inputs.Length; i++)
            {
                inputs[i] = _random.Next(-20, 21);
            }

            var protocol = grpc ? "grpc" : "rest";
            var sentAt = ledger.Now;
            try
            {
                var (outputs, reported, notFound, error) = grpc
                    ? await SendGrpcAsync(target, inputs, stop).ConfigureAwait(false)
                    : await SendRestAsync(target, inputs, stop).ConfigureAwait(false);
                var receivedAt = ledger.Now;
                tally.Count($"requests.{protocol}");
                tally.Count($"target.{target.Kind}");
                if (outputs is not null)
                {
                    if (judge.JudgeAnswer(target, inputs, outputs, reported, sentAt, receivedAt) is { } wrong)
                    {
                        tally.Unexpected($"{protocol} wrong answer: {wrong}");
                    }
                    else
                    {
                        tally.Count("answers.right");
                    }
                }
                else if (notFound && judge.ExpectedNotFound(target, sentAt, receivedAt) is { } reason)
                {
                    tally.Count($"expected.{reason}");
                }
                else
                {
                    tally.Unexpected($"{protocol} {target} at {sentAt / 1000:F1}s: {error}");
                }
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                tally.Count($"requests.{protocol}");
                tally.Unexpected($"{protocol} {target} at {sentAt / 1000:F1}s: {ex.GetType().Name}: {ex.Message}");
            }

            if (pause > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(pause, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private ChaosTarget PickTarget()
    {
        var roll = _random.Next(100);
        if (roll < 30)
        {
            return new ChaosTarget(ChaosTarget.ChaosModel);
        }

        if (roll < 55)
        {
            var available = availableVersions();
            return available.Length > 0
                ? new ChaosTarget(ChaosTarget.ChaosModel, Version: available[_random.Next(available.Length)])
                : new ChaosTarget(ChaosTarget.ChaosModel);
        }

        if (roll < 75)
        {
            return new ChaosTarget(ChaosTarget.ChaosModel, Label: Labels[_random.Next(Labels.Length)]);
        }

        if (roll < 85 || (roll < 93 && !withSavedModel))
        {
            return new ChaosTarget(ChaosTarget.PlainModel);
        }

        return roll < 93 ? new ChaosTarget(ChaosTarget.SavedModel) : new ChaosTarget(ChaosTarget.ExtraModel);
    }

    private async Task<(float[]? Outputs, long? Reported, bool NotFound, string Error)> SendRestAsync(ChaosTarget target, float[] inputs, CancellationToken stop)
    {
        var body = new StringBuilder("{\"instances\": [");
        for (var i = 0; i < inputs.Length; i++)
        {
            body.Append(i == 0 ? "" : ", ").Append(inputs[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        }

        body.Append("]}");
        using var content = new StringContent(body.ToString(), Encoding.UTF8, "application/json");
        using var response = await server.Http.PostAsync(target.RestPath, content, stop).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(stop).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (null, null, response.StatusCode == HttpStatusCode.NotFound, $"HTTP {(int)response.StatusCode}: {text}");
        }

        using var document = JsonDocument.Parse(text);
        var predictions = document.RootElement.GetProperty("predictions").EnumerateArray().Select(p => p.GetSingle()).ToArray();
        return (predictions, null, false, "");
    }

    private async Task<(float[]? Outputs, long? Reported, bool NotFound, string Error)> SendGrpcAsync(ChaosTarget target, float[] inputs, CancellationToken stop)
    {
        var spec = new ModelSpec { Name = target.Model };
        if (target.Version is { } version)
        {
            spec.Version = version;
        }
        else if (target.Label is { } label)
        {
            spec.VersionLabel = label;
        }

        var x = new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto() };
        x.TensorShape.Dim.Add(new TensorShapeProto.Types.Dim { Size = inputs.Length });
        x.FloatVal.AddRange(inputs);
        var request = new PredictRequest { ModelSpec = spec };
        request.Inputs.Add("x", x);
        try
        {
            var response = await server.Prediction.PredictAsync(request, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: stop).ResponseAsync.ConfigureAwait(false);
            var y = response.Outputs.Values.Single();
            return ([.. y.FloatVal], target.Model == ChaosTarget.ChaosModel ? response.ModelSpec.Version : null, false, "");
        }
        catch (RpcException e) when (!stop.IsCancellationRequested)
        {
            return (null, null, e.StatusCode == StatusCode.NotFound, $"{e.StatusCode}: {e.Status.Detail}");
        }
    }
}
