using System.Numerics;
using NServe.Core.Errors;
using NServe.Core.Tensors;
using Tensorflow;

namespace NServe.TensorFlow.State;

/// <summary>
/// The values of the variables a loaded version updates, held for the version's lifetime as TensorFlow's
/// session holds them: they start at their checkpoint values and every update a signature makes is seen by
/// the runs after it. Runs that read or write them take turns (<see cref="EnterAsync"/>), so an update is
/// never lost or seen half-done; updates follow TensorFlow's DenseUpdate kernels and their shape checks.
/// </summary>
public sealed class VariableState : IDisposable
{
    private readonly Dictionary<string, Tensor> _values = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <summary>The variable names held.</summary>
    public IReadOnlyCollection<string> Variables => _values.Keys;

    /// <summary>True for the dtypes AssignAdd/AssignSub can update here.</summary>
    public static bool CanAdd(TensorDataType dataType) => dataType is TensorDataType.Float or TensorDataType.Double or TensorDataType.Half
        or TensorDataType.Int8 or TensorDataType.Int16 or TensorDataType.Int32 or TensorDataType.Int64
        or TensorDataType.UInt8 or TensorDataType.UInt16 or TensorDataType.UInt32 or TensorDataType.UInt64;

    /// <summary>Holds <paramref name="variable"/> at <paramref name="initialValue"/> unless it is held already (while loading).</summary>
    public void Declare(string variable, TensorProto initialValue)
    {
        if (!_values.ContainsKey(variable))
        {
            _values[variable] = TensorProtoConverter.ToTensor(initialValue);
        }
    }

    /// <summary>Waits for this run's turn; disposing the result ends it.</summary>
    public async ValueTask<Turn> EnterAsync(CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Turn(this);
    }

    public void Dispose()
    {
        foreach (var value in _values.Values)
        {
            value.Dispose();
        }

        _values.Clear();
        _turn.Dispose();
    }

    /// <summary>One run's exclusive access to the values.</summary>
    public readonly struct Turn : IDisposable
    {
        private readonly VariableState _state;

        internal Turn(VariableState state) => _state = state;

        /// <summary>The current value; it stays valid until this turn ends. The caller must not dispose it.</summary>
        public Tensor ValueOf(string variable) => _state._values[variable];

        /// <summary>
        /// Applies a run's updates, all or none: each is checked against its variable first (TensorFlow's
        /// messages), then applied. The update tensors stay the caller's.
        /// </summary>
        public void Apply(IReadOnlyList<(VariableWrite Write, Tensor Update)> updates)
        {
            var values = _state._values;
            foreach (var (write, update) in updates)
            {
                var current = values[write.Variable];
                if (update.DataType != current.DataType)
                {
                    throw ServingException.InvalidArgument(
                        $"variable '{write.Variable}' holds {TensorDataTypes.TfName(current.DataType)}; its update is {TensorDataTypes.TfName(update.DataType)}");
                }

                var sameShape = current.Shape.AsSpan().SequenceEqual(update.Shape);
                if (write.Kind == VariableUpdateKind.Assign && !sameShape)
                {
                    throw ServingException.InvalidArgument(
                        $"Assign requires shapes of both tensors to match. lhs shape= {current.ShapeString} rhs shape= {update.ShapeString}");
                }

                if (write.Kind is VariableUpdateKind.Add or VariableUpdateKind.Subtract && !sameShape)
                {
                    throw ServingException.InvalidArgument("Parameters and update must be the same size");
                }
            }

            foreach (var (write, update) in updates)
            {
                if (write.Kind is VariableUpdateKind.Add or VariableUpdateKind.Subtract)
                {
                    Combine(values[write.Variable], update, write.Kind == VariableUpdateKind.Subtract);
                }
                else
                {
                    var old = values[write.Variable];
                    values[write.Variable] = Copy(update);
                    old.Dispose();
                }
            }
        }

        public void Dispose() => _state?._turn.Release();

        private static Tensor Copy(Tensor tensor)
        {
            if (tensor.IsString)
            {
                return Tensor.FromStrings([.. tensor.Shape], [.. tensor.Strings]);
            }

            var copy = Tensor.Allocate(tensor.DataType, [.. tensor.Shape]);
            tensor.Bytes.Span.CopyTo(copy.Bytes.Span);
            return copy;
        }

        /// <summary>TensorFlow's DenseUpdate ADD/SUB, in place: integers wrap around as TensorFlow's do.</summary>
        private static void Combine(Tensor target, Tensor update, bool subtract)
        {
            switch (target.DataType)
            {
                case TensorDataType.Float: Combine(target.AsSpan<float>(), update.AsSpan<float>(), subtract); break;
                case TensorDataType.Double: Combine(target.AsSpan<double>(), update.AsSpan<double>(), subtract); break;
                case TensorDataType.Half: Combine(target.AsSpan<Half>(), update.AsSpan<Half>(), subtract); break;
                case TensorDataType.Int8: Combine(target.AsSpan<sbyte>(), update.AsSpan<sbyte>(), subtract); break;
                case TensorDataType.Int16: Combine(target.AsSpan<short>(), update.AsSpan<short>(), subtract); break;
                case TensorDataType.Int32: Combine(target.AsSpan<int>(), update.AsSpan<int>(), subtract); break;
                case TensorDataType.Int64: Combine(target.AsSpan<long>(), update.AsSpan<long>(), subtract); break;
                case TensorDataType.UInt8: Combine(target.AsSpan<byte>(), update.AsSpan<byte>(), subtract); break;
                case TensorDataType.UInt16: Combine(target.AsSpan<ushort>(), update.AsSpan<ushort>(), subtract); break;
                case TensorDataType.UInt32: Combine(target.AsSpan<uint>(), update.AsSpan<uint>(), subtract); break;
                case TensorDataType.UInt64: Combine(target.AsSpan<ulong>(), update.AsSpan<ulong>(), subtract); break;
                default:
                    throw ServingException.Unimplemented($"NServe cannot add to a {TensorDataTypes.TfName(target.DataType)} variable");
            }
        }

        private static void Combine<T>(Span<T> target, ReadOnlySpan<T> update, bool subtract)
            where T : struct, INumberBase<T>
        {
            for (var i = 0; i < target.Length; i++)
            {
                target[i] = subtract ? target[i] - update[i] : target[i] + update[i];
            }
        }
    }
}
