namespace NServe.TensorFlow.State;

/// <summary>A version's signatures that read or update its variable state, and that state (owned).</summary>
public sealed class StatefulSignatures : IDisposable
{
    private readonly Dictionary<string, StatefulSignature> _signatures;

    public StatefulSignatures(VariableState state, IReadOnlyDictionary<string, StatefulSignature> signatures)
    {
        State = state;
        _signatures = new Dictionary<string, StatefulSignature>(signatures, StringComparer.Ordinal);
    }

    public VariableState State { get; }

    public IReadOnlyCollection<string> Keys => _signatures.Keys;

    public bool TryGet(string signatureKey, out StatefulSignature signature) => _signatures.TryGetValue(signatureKey, out signature!);

    public void Dispose() => State.Dispose();
}
