using NServe.Core.Tensors;

namespace NServe.Server.KServe;

/// <summary>
/// Tensor memory that belongs to the request message (a gRPC <c>raw_input_contents</c> entry): used in
/// place, so nothing is copied, and never returned anywhere, because the message owns it and outlives the run.
/// </summary>
internal sealed class BorrowedTensorBuffer(Memory<byte> memory) : TensorBuffer
{
    public override Memory<byte> Memory => memory;

    public override void Dispose()
    {
    }
}
