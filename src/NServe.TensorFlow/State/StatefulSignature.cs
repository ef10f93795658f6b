using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Tensors;
using NServe.TensorFlow.HostKernels;

namespace NServe.TensorFlow.State;

/// <summary>
/// Runs one signature whose converted graph reads or updates host-held variables: in the version's turn,
/// feeds the current values, runs the graph, applies the update values it returns to the
/// <see cref="VariableState"/>, and hands back only the signature's own outputs.
/// </summary>
public sealed class StatefulSignature
{
    private readonly VariableState _state;
    private readonly StatefulGraphLayout _layout;
    private readonly ExampleParsingStage _inputs;
    private readonly HashSet<string> _outputAliases;
    private readonly string _sortedOutputAliases;

    /// <param name="state">The version's variable values.</param>
    /// <param name="layout">Which graph feeds and fetches carry variable values and updates.</param>
    /// <param name="inputs">Checks a request against the signature's inputs and gives the graph's (parsing examples if the signature does).</param>
    /// <param name="outputAliases">The signature's own output aliases.</param>
    public StatefulSignature(VariableState state, StatefulGraphLayout layout, ExampleParsingStage inputs, IEnumerable<string> outputAliases)
    {
        _state = state;
        _layout = layout;
        _inputs = inputs;
        _outputAliases = new HashSet<string>(outputAliases, StringComparer.Ordinal);
        _sortedOutputAliases = string.Join(",", _outputAliases.Order(StringComparer.Ordinal));
        foreach (var read in layout.Reads)
        {
            state.Declare(read.Variable, read.InitialValue);
        }
    }

    public StatefulGraphLayout Layout => _layout;

    /// <summary>Runs <paramref name="signatureKey"/> on <paramref name="graph"/> (the converted graph's runner).</summary>
    public async ValueTask<IReadOnlyDictionary<string, Tensor>> RunAsync(
        IServable graph,
        string signatureKey,
        IReadOnlyDictionary<string, Tensor> inputs,
        IReadOnlyCollection<string>? outputFilter,
        CancellationToken cancellationToken)
    {
        var fetch = FetchesFor(outputFilter);
        var owned = new List<Tensor>();
        IReadOnlyDictionary<string, Tensor>? outputs = null;
        try
        {
            var graphInputs = _inputs.Apply(inputs, owned);
            using var turn = await EnterAsync(signatureKey, cancellationToken).ConfigureAwait(false);
            foreach (var read in _layout.Reads)
            {
                graphInputs[read.Alias] = turn.ValueOf(read.Variable);
            }

            outputs = await graph.RunAsync(signatureKey, graphInputs, fetch, cancellationToken).ConfigureAwait(false);
            if (_layout.Writes.Count > 0)
            {
                turn.Apply(_layout.Writes.Select(w => (w, outputs[w.Alias])).ToList());
            }

            var result = new Dictionary<string, Tensor>(outputs.Count, StringComparer.Ordinal);
            foreach (var (alias, tensor) in outputs)
            {
                if (_outputAliases.Contains(alias))
                {
                    result[alias] = tensor;
                }
                else
                {
                    tensor.Dispose();
                }
            }

            outputs = null;
            return result;
        }
        finally
        {
            if (outputs is not null)
            {
                foreach (var tensor in outputs.Values)
                {
                    tensor.Dispose();
                }
            }

            foreach (var tensor in owned)
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>This run's turn at the state; a request whose deadline passes while it waits fails as a cancelled run does.</summary>
    private async ValueTask<VariableState.Turn> EnterAsync(string signatureKey, CancellationToken cancellationToken)
    {
        try
        {
            return await _state.EnterAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException e)
        {
            throw new ServingException(
                StatusCode.DeadlineExceeded,
                $"Deadline exceeded: signature '{signatureKey}' was cancelled while it waited for its turn at the model's variables",
                e);
        }
    }

    /// <summary>The graph outputs to compute: the requested ones (checked as TF Serving checks them) plus every update.</summary>
    private IReadOnlyCollection<string>? FetchesFor(IReadOnlyCollection<string>? outputFilter)
    {
        if (outputFilter is null || outputFilter.Count == 0)
        {
            return null;
        }

        var fetch = new List<string>(outputFilter.Count + _layout.Writes.Count);
        foreach (var alias in outputFilter)
        {
            if (!_outputAliases.Contains(alias))
            {
                throw ServingException.InvalidArgument(
                    $"output tensor alias not found in signature: {alias} Outputs expected to be in the set {{{_sortedOutputAliases}}}.");
            }

            fetch.Add(alias);
        }

        fetch.AddRange(_layout.Writes.Select(w => w.Alias));
        return fetch;
    }
}
