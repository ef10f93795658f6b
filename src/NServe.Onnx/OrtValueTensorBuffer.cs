using System.Buffers;
using Microsoft.ML.OnnxRuntime;
using NServe.Core.Tensors;

namespace NServe.Onnx;

/// <summary>
/// The elements of an ORT output, read in place: the buffer owns the <see cref="OrtValue"/> and frees its
/// native memory on dispose, so an output reaches the response encoder without a copy.
/// </summary>
internal sealed unsafe class OrtValueTensorBuffer : TensorBuffer
{
    private OrtValue? _value;
    private readonly NativeMemory _memory;

    public OrtValueTensorBuffer(OrtValue value)
    {
        _value = value;
        var bytes = value.GetTensorMutableRawData();
        fixed (byte* pointer = bytes)
        {
            // ORT's output memory is native and never moves, so the address stays valid until disposal.
            _memory = new NativeMemory(this, pointer, bytes.Length);
        }
    }

    public override Memory<byte> Memory => _value is null
        ? throw new ObjectDisposedException(nameof(OrtValueTensorBuffer))
        : _memory.Memory;

    public bool IsDisposed => _value is null;

    public override void Dispose() => Interlocked.Exchange(ref _value, null)?.Dispose();

    /// <summary>Exposes the native bytes as <see cref="Memory{T}"/>; pinning is free, the memory is native.</summary>
    private sealed class NativeMemory(OrtValueTensorBuffer owner, byte* pointer, int length) : MemoryManager<byte>
    {
        public override Span<byte> GetSpan()
        {
            ObjectDisposedException.ThrowIf(owner.IsDisposed, owner);
            return new Span<byte>(pointer, length);
        }

        public override MemoryHandle Pin(int elementIndex = 0)
        {
            ObjectDisposedException.ThrowIf(owner.IsDisposed, owner);
            ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)elementIndex, (uint)length, nameof(elementIndex));
            return new MemoryHandle(pointer + elementIndex);
        }

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
