using NServe.Core.Config.TextFormat;
using NServe.Core.Errors;
using Tensorflow.Serving;

namespace NServe.Core.Config;

/// <summary>Reads a <c>--model_config_file</c>: a ModelServerConfig in protobuf text format.</summary>
public static class ModelConfigFile
{
    public static ModelServerConfig Parse(string text)
    {
        try
        {
            return TextFormatParser.Parse<ModelServerConfig>(text);
        }
        catch (TextFormatException ex)
        {
            throw ServingException.InvalidArgument(ex.ParseErrorMessage);
        }
    }
}
