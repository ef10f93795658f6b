namespace NServe.Core.Tensors;

/// <summary>A buffer over an array the caller hands over (tests, constants); nothing to return.</summary>
public sealed class ArrayTensorBuffer(byte[] array) : TensorBuffer
{
    public override Memory<byte> Memory => array;

    public override void Dispose()
    {
    }
}
