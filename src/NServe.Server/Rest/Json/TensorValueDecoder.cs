using NServe.Core.Tensors;

namespace NServe.Server.Rest.Json;

/// <summary>
/// Decodes one JSON value (a scalar or nested lists) into tensor elements in a single forward pass,
/// learning the shape as it goes: the first scalar (or first empty list) fixes the rank, and the first
/// list to close at each level fixes that dimension; every later list must match. This is the shape TF
/// Serving derives from the first element of each list. On any mismatch it just returns false, and
/// <see cref="TensorValueChecker"/> re-walks the value in TF Serving's own order for the exact message,
/// so errors cost a second pass but well-formed data costs one.
/// </summary>
internal sealed class TensorValueDecoder
{
    /// <summary>TensorFlow's limit on dimensions (<c>TensorShape::MaxDimensions</c>).</summary>
    public const int MaxRank = 254;

    [ThreadStatic]
    private static TensorValueDecoder? _forThisThread;

    // Per open list level: elements seen so far. Per level: the size fixed by the first list (-1 unknown).
    private long[] _counts = new long[8];
    private long[] _dims = new long[8];

    public int Rank { get; private set; }

    /// <summary>
    /// This thread's decoder, reused by every request it reads (decoding is synchronous and each call resets
    /// the state), so a request does not allocate one. Read <see cref="Shape"/> before the next decode.
    /// </summary>
    public static TensorValueDecoder ForThisThread() => _forThisThread ??= new TensorValueDecoder();

    /// <summary>The shape of the value last decoded.</summary>
    public ReadOnlySpan<long> Shape => _dims.AsSpan(0, Rank);

    /// <summary>
    /// Decodes the value at the cursor into <paramref name="sink"/> and leaves the cursor after it; false
    /// (with the cursor somewhere inside) if the value is not a dense tensor of <paramref name="dataType"/>.
    /// </summary>
    public bool TryDecode(ref JsonCursor cursor, TensorDataType dataType, TensorAccumulator sink)
    {
        var rank = -1;
        var depth = 0;
        _dims.AsSpan().Fill(-1);
        while (true)
        {
            var b = cursor.Peek();
            if (b == '[')
            {
                if ((rank >= 0 && depth >= rank) || depth == MaxRank)
                {
                    return false;
                }

                if (depth == _counts.Length)
                {
                    Grow();
                }

                _counts[depth++] = 0;
                cursor.Advance();
                if (cursor.Peek() != ']')
                {
                    continue;
                }

                // An empty list ends at once.
                cursor.Advance();
            }
            else
            {
                if (rank < 0)
                {
                    rank = depth;
                }
                else if (depth != rank)
                {
                    return false;
                }

                if (!JsonLeafReader.TryAppend(ref cursor, b, dataType, sink))
                {
                    return false;
                }

                if (depth == 0)
                {
                    Rank = 0;
                    return true;
                }

                if (!CountElement(depth - 1))
                {
                    return false;
                }

                if (cursor.NextItem())
                {
                    continue;
                }
            }

            // A list just ended (its ']' consumed): settle its size, then its parents' that end with it.
            while (true)
            {
                var level = depth - 1;
                if (rank < 0)
                {
                    // Nothing before it: an empty list ends the first-element chain.
                    rank = depth;
                }

                var count = _counts[level];
                if (_dims[level] < 0)
                {
                    _dims[level] = count;
                }
                else if (_dims[level] != count)
                {
                    return false;
                }

                depth--;
                if (depth == 0)
                {
                    Rank = rank;
                    return true;
                }

                if (!CountElement(depth - 1))
                {
                    return false;
                }

                if (cursor.NextItem())
                {
                    break;
                }
            }
        }
    }

    private bool CountElement(int level)
    {
        var count = ++_counts[level];
        var expected = _dims[level];
        return expected < 0 || count <= expected;
    }

    private void Grow()
    {
        var size = Math.Min(_counts.Length * 2, MaxRank);
        Array.Resize(ref _counts, size);
        var dims = new long[size];
        dims.AsSpan().Fill(-1);
        _dims.CopyTo(dims, 0);
        _dims = dims;
    }
}
