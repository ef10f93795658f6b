using Google.Protobuf;
using Tensorflow;
using Tensorflow.Serving;

namespace NServe.Core.Tests.Protos;

/// <summary>
/// Hand-encoded protobuf bytes, written from TF Serving's field numbers, decode into our generated messages and
/// our messages encode to exactly those bytes: the field numbers, wire types and oneofs are the contract.
/// </summary>
public sealed class ServingWireFormatTests
{
    [Fact]
    public void ModelSpecVersionIsAnInt64ValueInField2()
    {
        // name (1) = "m"; version (2) = Int64Value { value (1) = 5 }; signature_name (3) = "s".
        byte[] wire = [0x0A, 0x01, (byte)'m', 0x12, 0x02, 0x08, 0x05, 0x1A, 0x01, (byte)'s'];

        var spec = ModelSpec.Parser.ParseFrom(wire);

        Assert.Equal("m", spec.Name);
        Assert.Equal(ModelSpec.VersionChoiceOneofCase.Version, spec.VersionChoiceCase);
        Assert.Equal(5L, spec.Version);
        Assert.Equal("s", spec.SignatureName);
        Assert.Equal(wire, new ModelSpec { Name = "m", Version = 5, SignatureName = "s" }.ToByteArray());
    }

    [Fact]
    public void ModelSpecVersionLabelIsField4AndSharesTheOneofWithVersion()
    {
        // version (2) = 7, then version_label (4) = "stable": the later member of the oneof wins.
        byte[] wire = [0x12, 0x02, 0x08, 0x07, 0x22, 0x06, .. "stable"u8];

        var spec = ModelSpec.Parser.ParseFrom(wire);

        Assert.Equal(ModelSpec.VersionChoiceOneofCase.VersionLabel, spec.VersionChoiceCase);
        Assert.Equal("stable", spec.VersionLabel);
        Assert.Null(spec.Version);
        Assert.Equal([0x22, 0x06, .. "stable"u8], new ModelSpec { VersionLabel = "stable" }.ToByteArray());
    }

    [Fact]
    public void ModelSpecVersionZeroIsStillPresent()
    {
        // A wrapper distinguishes "version 0" from "no version": an empty Int64Value in field 2.
        byte[] wire = [0x12, 0x00];

        var spec = ModelSpec.Parser.ParseFrom(wire);

        Assert.Equal(ModelSpec.VersionChoiceOneofCase.Version, spec.VersionChoiceCase);
        Assert.Equal(0L, spec.Version);
        Assert.Equal(wire, new ModelSpec { Version = 0 }.ToByteArray());
    }

    [Fact]
    public void PredictRequestCarriesSpecInputsMapAndOutputFilter()
    {
        byte[] tensor =
        [
            0x08, 0x01, // dtype (1) = DT_FLOAT
            0x12, 0x04, 0x12, 0x02, 0x08, 0x02, // tensor_shape (2) { dim (2) { size (1) = 2 } }
            0x2A, 0x08, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x40, // float_val (5), packed: 1.0, 2.0
        ];
        byte[] entry = [0x0A, 0x01, (byte)'x', 0x12, (byte)tensor.Length, .. tensor]; // key (1), value (2)
        byte[] wire =
        [
            0x0A, 0x06, 0x0A, 0x04, .. "half"u8, // model_spec (1) { name = "half" }
            0x12, (byte)entry.Length, .. entry, // inputs (2) map entry
            0x1A, 0x01, (byte)'y', // output_filter (3)
        ];

        var request = PredictRequest.Parser.ParseFrom(wire);

        Assert.Equal("half", request.ModelSpec.Name);
        var x = request.Inputs["x"];
        Assert.Equal(DataType.DtFloat, x.Dtype);
        Assert.Equal(2, Assert.Single(x.TensorShape.Dim).Size);
        Assert.Equal([1f, 2f], x.FloatVal);
        Assert.Equal(["y"], request.OutputFilter);

        var built = new PredictRequest { ModelSpec = new ModelSpec { Name = "half" }, OutputFilter = { "y" } };
        built.Inputs["x"] = new TensorProto
        {
            Dtype = DataType.DtFloat,
            TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = 2 } } },
            FloatVal = { 1f, 2f },
        };
        Assert.Equal(wire, built.ToByteArray());
    }

    [Fact]
    public void PredictResponseHasOutputsInField1AndModelSpecInField2()
    {
        byte[] tensor = [0x08, 0x09, 0x12, 0x00, 0x50, 0x2A]; // DT_INT64, scalar shape {}, int64_val (10) = 42 (unpacked)
        byte[] entry = [0x0A, 0x01, (byte)'z', 0x12, (byte)tensor.Length, .. tensor];
        byte[] wire =
        [
            0x0A, (byte)entry.Length, .. entry, // outputs (1)
            0x12, 0x0B, 0x0A, 0x01, (byte)'m', 0x12, 0x02, 0x08, 0x7B, 0x1A, 0x02, .. "sd"u8, // model_spec (2)
        ];

        var response = PredictResponse.Parser.ParseFrom(wire);

        Assert.Equal([42L], response.Outputs["z"].Int64Val);
        Assert.Equal(DataType.DtInt64, response.Outputs["z"].Dtype);
        Assert.Empty(response.Outputs["z"].TensorShape.Dim);
        Assert.Equal(123L, response.ModelSpec.Version);
        Assert.Equal("sd", response.ModelSpec.SignatureName);
    }

    [Fact]
    public void GetModelStatusResponseNestsVersionStateAndStatus()
    {
        byte[] status = [0x08, 0x05, 0x12, 0x02, .. "no"u8]; // error_code (1) = NOT_FOUND, error_message (2)
        byte[] versionStatus = [0x08, 0x7B, 0x10, 0x1E, 0x1A, (byte)status.Length, .. status]; // 123, AVAILABLE (30)
        byte[] wire = [0x0A, (byte)versionStatus.Length, .. versionStatus];

        var response = GetModelStatusResponse.Parser.ParseFrom(wire);

        var only = Assert.Single(response.ModelVersionStatus);
        Assert.Equal(123L, only.Version);
        Assert.Equal(ModelVersionStatus.Types.State.Available, only.State);
        Assert.Equal(Tensorflow.Error.Code.NotFound, only.Status.ErrorCode);
        Assert.Equal("no", only.Status.ErrorMessage);
        Assert.Equal(wire, response.ToByteArray());
    }

    [Fact]
    public void ModelVersionStatesAndErrorCodesHaveTfServingNumbers()
    {
        Assert.Equal(
            [0, 10, 20, 30, 40, 50],
            Enum.GetValues<ModelVersionStatus.Types.State>().Select(s => (int)s).Order());
        Assert.Equal(3, (int)Tensorflow.Error.Code.InvalidArgument);
        Assert.Equal(16, (int)Tensorflow.Error.Code.Unauthenticated);
        Assert.Equal(20, (int)Tensorflow.Error.Code.DoNotUseReservedForFutureExpansionUseDefaultInSwitchInstead);
    }

    [Fact]
    public void InputExampleListIsAOneofOfLazyMessages()
    {
        // example_list (1) { examples (1) { features (1) { feature (1) { key "x" value { float_list (2) { value 3 } } } } } }
        byte[] floatList = [0x0A, 0x04, 0x00, 0x00, 0x40, 0x40];
        byte[] feature = [0x12, (byte)floatList.Length, .. floatList];
        byte[] featureEntry = [0x0A, 0x01, (byte)'x', 0x12, (byte)feature.Length, .. feature];
        byte[] features = [0x0A, (byte)featureEntry.Length, .. featureEntry];
        byte[] example = [0x0A, (byte)features.Length, .. features];
        byte[] exampleList = [0x0A, (byte)example.Length, .. example];
        byte[] wire = [0x0A, (byte)exampleList.Length, .. exampleList];

        var input = Input.Parser.ParseFrom(wire);

        Assert.Equal(Input.KindOneofCase.ExampleList, input.KindCase);
        var value = Assert.Single(input.ExampleList.Examples).Features.Feature["x"];
        Assert.Equal(Feature.KindOneofCase.FloatList, value.KindCase);
        Assert.Equal([3f], value.FloatList.Value);
        Assert.Equal(wire, input.ToByteArray());
        // The serialized-input mirror reads the same bytes without parsing the examples.
        var serialized = Tensorflow.Serving.Internal.SerializedInput.Parser.ParseFrom(wire);
        Assert.Equal(example, Assert.Single(serialized.ExampleList.Examples).ToByteArray());
    }

    [Fact]
    public void PredictionLogOneofNumbersMatchWarmupRecords()
    {
        var log = new PredictionLog { PredictLog = new PredictLog { Request = new PredictRequest() } };

        // predict_log is field 6: tag 0x32, one empty request (field 1) inside.
        Assert.Equal([0x32, 0x02, 0x0A, 0x00], log.ToByteArray());
        Assert.Equal(
            PredictionLog.LogTypeOneofCase.ClassifyLog,
            PredictionLog.Parser.ParseFrom([0x12, 0x00]).LogTypeCase);
        Assert.Equal(
            PredictionLog.LogTypeOneofCase.SessionRunLog,
            PredictionLog.Parser.ParseFrom([0x2A, 0x00]).LogTypeCase);
        Assert.Equal(
            PredictionLog.LogTypeOneofCase.PredictStreamedLog,
            PredictionLog.Parser.ParseFrom([0x3A, 0x00]).LogTypeCase);
    }

    [Fact]
    public void VersionPolicyOneofUsesFields100To102()
    {
        var config = new ModelConfig
        {
            ModelVersionPolicy = new FileSystemStoragePathSourceConfig.Types.ServableVersionPolicy
            {
                Specific = new FileSystemStoragePathSourceConfig.Types.ServableVersionPolicy.Types.Specific { Versions = { 1, 2 } },
            },
        };

        // model_version_policy (7) { specific (102: tag 0xB2 0x06) { versions (1) packed [1, 2] } }
        Assert.Equal([0x3A, 0x07, 0xB2, 0x06, 0x04, 0x0A, 0x02, 0x01, 0x02], config.ToByteArray());
    }
}
