namespace NServe.TensorFlow.Checkpoint;

/// <summary>One key/value pair of a LevelDB table; keys are raw bytes, ordered bytewise.</summary>
public readonly record struct TableEntry(byte[] Key, ReadOnlyMemory<byte> Value);
