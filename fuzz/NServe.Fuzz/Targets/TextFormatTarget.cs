using System.Text;
using NServe.Core.Config;
using NServe.Core.Config.TextFormat;
using NServe.Core.Errors;
using Tensorflow.Serving;

namespace NServe.Fuzz.Targets;

/// <summary>
/// The protobuf text-format reader, through the three kinds of file the server reads with it: a
/// <c>--model_config_file</c> (<see cref="ModelConfigFile.Parse"/>, ServingException), a
/// <c>--batching_parameters_file</c> (wrapper types) and a <c>saved_model.pbtxt</c> (deep nesting, bytes, maps,
/// Any); the reader documents <see cref="TextFormatException"/>.
/// </summary>
internal sealed class TextFormatTarget : FuzzTarget
{
    public override string Name => "text-format";

    protected override void Execute(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        RunEach(
            () => ModelConfigFile.Parse(text),
            () => TextFormatParser.Parse<BatchingParameters>(text),
            () => TextFormatParser.Parse<Tensorflow.SavedModel>(text));
    }

    protected override bool IsDocumentedRejection(Exception e) => e is ServingException or TextFormatException;

    public override IEnumerable<KeyValuePair<string, byte[]>> Seeds(string? testData)
    {
        string[] texts =
        [
            """
            model_config_list {
              config { name: 'myserving' base_path: '/models/myserving/' model_platform: 'tensorflow'
                model_version_policy { specific { versions: 1 versions: 2 } }
                version_labels { key: 'stable' value: 1 } version_labels { key: 'canary' value: 2 } }
              config { name: "m2" base_path: "/models/m2" model_platform: "onnx"
                model_version_policy { latest { num_versions: 3 } } }
              config { name: 'm3' base_path: '/m3' model_version_policy { all {} }
                logging_config { sampling_config { sampling_rate: 0.5 } } }
            }
            """,
            "# comment\nmodel_config_list: { config: [ { name: \"a\\x41\\101\\n\" base_path: \"/a\" }, { name: 'b' } ] }\n",
            "custom_model_config { [type.googleapis.com/tensorflow.serving.ModelConfigList] { config { name: 'x' } } }",
            "max_batch_size { value: 32 } batch_timeout_micros { value: 1000 } num_batch_threads { value: 4 } " +
                "allowed_batch_sizes: [8, 16, 32] pad_variable_length_inputs: true max_enqueued_batches { value: 100 }",
            """
            saved_model_schema_version: 1
            meta_graphs {
              meta_info_def { tags: "serve" tensorflow_version: "2.15.0" }
              graph_def {
                node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } }
                  attr { key: "shape" value { shape { dim { size: -1 } dim { size: 2 } } } } }
                node { name: "c" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } }
                  attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape {} float_val: 0.5 tensor_content: "\000\000\000?" } } } }
                node { name: "y" op: "Mul" input: "x" input: "c" attr { key: "T" value { type: DT_FLOAT } } }
                versions { producer: 1645 min_consumer: 12 }
              }
              signature_def { key: "serving_default" value {
                inputs { key: "x" value { name: "x:0" dtype: DT_FLOAT tensor_shape { dim { size: -1 } } } }
                outputs { key: "y" value { name: "y:0" dtype: DT_FLOAT } }
                method_name: "tensorflow/serving/predict" } }
              collection_def { key: "c" value { any_list { value { [type.googleapis.com/tensorflow.serving.ModelConfig] { name: "n" } } } } }
            }
            """,
            "meta_graphs { graph_def { node { attr { key: 'f' value { f: -inf } } attr { key: 'g' value { list { f: [nan, 1e10, .5, 1.f] i: [0x10, 077, -1] } } } } } }",
        ];

        for (var i = 0; i < texts.Length; i++)
        {
            yield return KeyValuePair.Create($"text-{i:D2}.pbtxt", Encoding.UTF8.GetBytes(texts[i]));
        }
    }

    private void RunEach(params Action[] parses)
    {
        foreach (var parse in parses)
        {
            try
            {
                parse();
            }
            catch (Exception e) when (IsDocumentedRejection(e))
            {
            }
        }
    }
}
