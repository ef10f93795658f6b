using System.Text.Json.Nodes;
using Google.Protobuf;
using Tensorflow.Serving;

namespace NServe.Core.Tests.Protos;

/// <summary>
/// The REST model-status body is GetModelStatusResponse printed by protobuf's JSON printer with default values
/// included; the json_name options must give TF Serving's snake_case keys (rest_api.md §6).
/// </summary>
public sealed class ModelStatusJsonTests
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    [Fact]
    public void AvailableVersionPrintsAsTfServingDoes()
    {
        var response = new GetModelStatusResponse
        {
            ModelVersionStatus =
            {
                new ModelVersionStatus
                {
                    Version = 123,
                    State = ModelVersionStatus.Types.State.Available,
                    Status = new StatusProto(),
                },
            },
        };

        var json = JsonNode.Parse(Formatter.Format(response));

        var expected = JsonNode.Parse("""
            {
             "model_version_status": [
              {
               "version": "123",
               "state": "AVAILABLE",
               "status": {
                "error_code": "OK",
                "error_message": ""
               }
              }
             ]
            }
            """);
        Assert.True(JsonNode.DeepEquals(expected, json), json!.ToJsonString());
    }

    [Fact]
    public void FailedVersionPrintsItsErrorCodeNameAndMessage()
    {
        var response = new GetModelStatusResponse
        {
            ModelVersionStatus =
            {
                new ModelVersionStatus
                {
                    Version = 7,
                    State = ModelVersionStatus.Types.State.End,
                    Status = new StatusProto { ErrorCode = Tensorflow.Error.Code.NotFound, ErrorMessage = "gone" },
                },
            },
        };

        var status = JsonNode.Parse(Formatter.Format(response))!["model_version_status"]![0]!;

        Assert.Equal("END", status["state"]!.GetValue<string>());
        Assert.Equal("NOT_FOUND", status["status"]!["error_code"]!.GetValue<string>());
        Assert.Equal("gone", status["status"]!["error_message"]!.GetValue<string>());
    }

    [Fact]
    public void SnakeCaseJsonParsesBack()
    {
        const string json = """
            {"model_version_status":[{"version":"124","state":"LOADING","status":{"error_code":"UNAVAILABLE","error_message":"x"}}]}
            """;

        var response = GetModelStatusResponse.Parser.ParseJson(json);

        var only = Assert.Single(response.ModelVersionStatus);
        Assert.Equal(124L, only.Version);
        Assert.Equal(ModelVersionStatus.Types.State.Loading, only.State);
        Assert.Equal(Tensorflow.Error.Code.Unavailable, only.Status.ErrorCode);
        Assert.Equal("x", only.Status.ErrorMessage);
    }
}
