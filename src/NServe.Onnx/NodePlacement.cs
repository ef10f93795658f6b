namespace NServe.Onnx;

/// <summary>
/// Which execution provider ORT gave each node of a session, read from the placement report ORT logs at
/// verbose level while it creates the session ("All nodes placed on [P]" or, when split, one
/// "Node(s) placed on [P]" line per provider followed by the node names).
/// </summary>
public sealed class NodePlacement
{
    private NodePlacement(IReadOnlyList<ProviderNodes> providers) => Providers = providers;

    /// <summary>The log was not seen (the ORT environment was created by someone else).</summary>
    public static NodePlacement Unknown { get; } = new([]);

    public IReadOnlyList<ProviderNodes> Providers { get; }

    public bool IsKnown => Providers.Count > 0;

    /// <summary>The nodes placed on providers other than <paramref name="provider"/> (e.g. CPU fallback of a CUDA session).</summary>
    public IReadOnlyList<ProviderNodes> OutsideOf(string provider) =>
        Providers.Where(p => !string.Equals(p.Provider, provider, StringComparison.Ordinal)).ToList();

    /// <summary>"CUDAExecutionProvider: 54 nodes; CPUExecutionProvider: 3 nodes (Shape_1, Gather_2, Unsqueeze_3)".</summary>
    public override string ToString() => !IsKnown
        ? "node placement not reported by ONNX Runtime"
        : string.Join("; ", Providers.Select(p =>
            $"{p.Provider}: {p.Count} node{(p.Count == 1 ? "" : "s")}{(p.NodeNames.Count > 0 && Providers.Count > 1 ? $" ({string.Join(", ", p.NodeNames)})" : "")}"));

    /// <summary>Builds the placement from ORT's log messages of one session, in the order ORT wrote them.</summary>
    public sealed class Builder
    {
        private const string AllPrefix = "All nodes placed on [";
        private const string SomePrefix = "Node(s) placed on [";
        private const string CountMarker = "]. Number of nodes: ";

        private readonly List<ProviderNodes> _providers = [];
        private readonly object _gate = new();
        private bool _expectNames;

        /// <summary>Takes one ORT log message; messages that are not part of the placement report are ignored.</summary>
        public void Add(string message)
        {
            lock (_gate)
            {
                var trimmed = message.TrimStart(' ');
                if (TryParseHeader(trimmed, AllPrefix, out var provider, out var count))
                {
                    _providers.Clear();
                    _providers.Add(new ProviderNodes(provider, count, []));
                    _expectNames = false;
                }
                else if (TryParseHeader(trimmed, SomePrefix, out provider, out count))
                {
                    _providers.Add(new ProviderNodes(provider, count, []));
                    _expectNames = true;
                }
                else if (_expectNames && message.StartsWith("  ", StringComparison.Ordinal))
                {
                    var last = _providers[^1];
                    var names = trimmed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    _providers[^1] = last with { NodeNames = names };
                    _expectNames = false;
                }
            }
        }

        public NodePlacement Build()
        {
            lock (_gate)
            {
                return _providers.Count == 0 ? Unknown : new NodePlacement(_providers.ToList());
            }
        }

        private static bool TryParseHeader(string message, string prefix, out string provider, out int count)
        {
            provider = "";
            count = 0;
            if (!message.StartsWith(prefix, StringComparison.Ordinal))
            {
                return false;
            }

            var end = message.IndexOf(CountMarker, prefix.Length, StringComparison.Ordinal);
            if (end < 0)
            {
                return false;
            }

            provider = message[prefix.Length..end];
            return int.TryParse(message.AsSpan(end + CountMarker.Length).Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out count);
        }
    }
}
