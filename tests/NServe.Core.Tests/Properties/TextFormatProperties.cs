using System.Globalization;
using System.Text;
using CsCheck;
using NServe.Core.Config;
using Tensorflow.Serving;
using static Tensorflow.Serving.FileSystemStoragePathSourceConfig.Types;

namespace NServe.Core.Tests.Properties;

/// <summary>
/// Property of the text-format reader: a generated <see cref="ModelServerConfig"/>, printed in any of the
/// spellings protobuf's text format allows (either quote, octal/hex escapes, split string literals, comments,
/// optional colons and separators, <c>&lt;&gt;</c> or <c>{}</c>, list or repeated scalars, hex integers),
/// parses back equal to the message it was printed from.
/// </summary>
public class TextFormatProperties
{
    private static readonly Gen<string> Texts = Gen.Char.Where(c => !char.IsSurrogate(c)).Array[0, 10].Select(chars => new string(chars));

    private static readonly Gen<ServableVersionPolicy?> Policies = Gen.OneOf<ServableVersionPolicy?>(
        Gen.Const<ServableVersionPolicy?>(() => null),
        Gen.UInt[0, 10].Select(n => (ServableVersionPolicy?)new ServableVersionPolicy { Latest = new ServableVersionPolicy.Types.Latest { NumVersions = n } }),
        Gen.Const<ServableVersionPolicy?>(() => new ServableVersionPolicy { All = new ServableVersionPolicy.Types.All() }),
        Gen.Long[0, long.MaxValue].Array[0, 4].Select(v => (ServableVersionPolicy?)new ServableVersionPolicy { Specific = new ServableVersionPolicy.Types.Specific { Versions = { v } } }));

    private static readonly Gen<ModelConfig> Models =
        from name in Texts
        from basePath in Texts
        from platform in Gen.OneOf("tensorflow", "onnx", "")
        from policy in Policies
        from labels in Texts.Dictionary(Gen.Long[1, 1000])[0, 3]
        select NewModel(name, basePath, platform, policy, labels);

    [Fact]
    public void Printed_configs_parse_back_equal()
    {
        var gen =
            from models in Models.Array[0, 3]
            from seed in Gen.Int
            select (models, seed);

        gen.Sample((models, seed) =>
        {
            var expected = new ModelServerConfig { ModelConfigList = new ModelConfigList { Config = { models } } };
            var text = new Printer(new Random(seed)).Print(expected);

            Assert.Equal(expected, ModelConfigFile.Parse(text));
        }, iter: 400, threads: 1, print: t => string.Join(" | ", t.Item1.Select(m => m.ToString())) + " seed " + t.Item2);
    }

    private static ModelConfig NewModel(string name, string basePath, string platform, ServableVersionPolicy? policy, Dictionary<string, long> labels)
    {
        var model = new ModelConfig { Name = name, BasePath = basePath, ModelPlatform = platform, ModelVersionPolicy = policy };
        model.VersionLabels.Add(labels);
        return model;
    }

    /// <summary>Prints a config choosing, at every point where the syntax allows a choice, one at random.</summary>
    private sealed class Printer(Random random)
    {
        private readonly StringBuilder _text = new();

        public string Print(ModelServerConfig config)
        {
            Message("model_config_list", () =>
            {
                foreach (var model in config.ModelConfigList.Config)
                {
                    Message("config", () => Model(model));
                }
            });
            return _text.ToString();
        }

        private void Model(ModelConfig model)
        {
            // proto3 text omits default (empty) scalars; printing them sometimes checks they parse to the default.
            StringField("name", model.Name);
            StringField("base_path", model.BasePath);
            StringField("model_platform", model.ModelPlatform);
            if (model.ModelVersionPolicy is { } policy)
            {
                Message("model_version_policy", () => Policy(policy));
            }

            foreach (var (key, value) in model.VersionLabels)
            {
                Message("version_labels", () =>
                {
                    StringField("key", key, always: true);
                    Scalar("value", Integer(value));
                });
            }
        }

        private void Policy(ServableVersionPolicy policy)
        {
            switch (policy.PolicyChoiceCase)
            {
                case ServableVersionPolicy.PolicyChoiceOneofCase.Latest:
                    Message("latest", () => Scalar("num_versions", Integer(policy.Latest.NumVersions)));
                    break;
                case ServableVersionPolicy.PolicyChoiceOneofCase.All:
                    Message("all", () => { });
                    break;
                case ServableVersionPolicy.PolicyChoiceOneofCase.Specific:
                    Message("specific", () => Versions(policy.Specific.Versions));
                    break;
            }
        }

        private void Versions(IReadOnlyList<long> versions)
        {
            if (versions.Count > 0 && random.Next(2) == 0)
            {
                Scalar("versions", "[" + string.Join("," + Space(), versions.Select(Integer)) + "]");
                return;
            }

            foreach (var version in versions)
            {
                Scalar("versions", Integer(version));
            }
        }

        private void Message(string name, Action body)
        {
            var (open, close) = random.Next(3) == 0 ? ("<", ">") : ("{", "}");
            _text.Append(name).Append(random.Next(2) == 0 ? ":" : "").Append(Space()).Append(open).Append(Space());
            body();
            _text.Append(close).Append(Separator());
        }

        private void StringField(string name, string value, bool always = false)
        {
            if (value.Length > 0 || always || random.Next(2) == 0)
            {
                Scalar(name, Quoted(value));
            }
        }

        private void Scalar(string name, string value) => _text.Append(name).Append(':').Append(Space()).Append(value).Append(Separator());

        private string Integer(long value) =>
            random.Next(2) == 0 ? value.ToString(CultureInfo.InvariantCulture) : "0x" + value.ToString("x", CultureInfo.InvariantCulture);

        /// <summary>One or more adjacent literals (they concatenate), each with either quote and escapes chosen per byte.</summary>
        private string Quoted(string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            var literal = new StringBuilder();
            var quote = random.Next(2) == 0 ? '"' : '\'';
            literal.Append(quote);
            for (var i = 0; i < bytes.Length; i++)
            {
                if (i > 0 && random.Next(8) == 0)
                {
                    // Close this literal and open another: adjacent literals concatenate.
                    literal.Append(quote).Append(Space());
                    quote = random.Next(2) == 0 ? '"' : '\'';
                    literal.Append(quote);
                }

                var b = bytes[i];
                var plain = b is >= 0x20 and < 0x7F && b != '"' && b != '\'' && b != '\\';
                if (plain && random.Next(4) != 0)
                {
                    literal.Append((char)b);
                }
                else if (b < 0x80 && random.Next(2) == 0)
                {
                    literal.Append('\\').Append(Convert.ToString(b, 8).PadLeft(3, '0'));
                }
                else if (b >= 0xC0 && random.Next(3) == 0)
                {
                    // Raw UTF-8 inside the literal: the whole character, as text, from its lead byte.
                    var end = i + 1;
                    while (end < bytes.Length && (bytes[end] & 0xC0) == 0x80)
                    {
                        end++;
                    }

                    literal.Append(Encoding.UTF8.GetString(bytes, i, end - i));
                    i = end - 1;
                }
                else
                {
                    literal.Append("\\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));
                }
            }

            return literal.Append(quote).ToString();
        }

        private string Space() => random.Next(6) switch
        {
            0 => "",
            1 => "\n",
            2 => "\t ",
            3 => " # a comment { \" '\n",
            _ => " ",
        };

        private string Separator() => (random.Next(5) switch
        {
            0 => ",",
            1 => ";",
            _ => "",
        }) + (random.Next(3) == 0 ? "\n" : " ");
    }
}
