namespace NServe.TensorFlow.Conversion;

/// <summary>
/// Thrown by an op converter when this node's form cannot be expressed (a non-constant Transpose perm, an
/// unsupported data_format); the converter reports the op as unsupported with this reason.
/// </summary>
internal sealed class ConversionException(string message) : Exception(message);
