namespace NServe.Server.Options;

/// <summary>The value types of TensorFlow's command-line flags (<c>tensorflow::Flag</c>).</summary>
public enum FlagType
{
    Bool,
    Int32,
    Int64,
    Float,
    String,
}
