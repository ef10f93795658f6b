using Microsoft.Extensions.Logging;
using NServe.Core.Servables;

namespace NServe.Onnx.Tests.Gpu;

public class GpuNodePlacementTests
{
    [Fact]
    public void A_split_report_gives_each_provider_its_count_and_node_names()
    {
        // The messages ORT logs at verbose level for a session whose nodes are split across providers.
        var builder = new NodePlacement.Builder();
        builder.Add("Node placements");
        builder.Add(" Node(s) placed on [CUDAExecutionProvider]. Number of nodes: 3");
        builder.Add("  conv1, relu1, matmul, ");
        builder.Add(" Node(s) placed on [CPUExecutionProvider]. Number of nodes: 2");
        builder.Add("  shape, gather, ");
        builder.Add("Saving initialized tensors.");

        var placement = builder.Build();

        Assert.True(placement.IsKnown);
        Assert.Equal(2, placement.Providers.Count);
        Assert.Equal(new ProviderNodes("CUDAExecutionProvider", 3, ["conv1", "relu1", "matmul"]), placement.Providers[0], ProviderNodesComparer.Instance);
        Assert.Equal(new ProviderNodes("CPUExecutionProvider", 2, ["shape", "gather"]), placement.Providers[1], ProviderNodesComparer.Instance);
        var fallback = Assert.Single(placement.OutsideOf("CUDAExecutionProvider"));
        Assert.Equal("CPUExecutionProvider", fallback.Provider);
        Assert.Equal("CUDAExecutionProvider: 3 nodes (conv1, relu1, matmul); CPUExecutionProvider: 2 nodes (shape, gather)", placement.ToString());
    }

    [Fact]
    public void All_nodes_on_one_provider_is_one_entry_without_fallback()
    {
        var builder = new NodePlacement.Builder();
        builder.Add("All nodes placed on [CUDAExecutionProvider]. Number of nodes: 57");

        var placement = builder.Build();

        var only = Assert.Single(placement.Providers);
        Assert.Equal(("CUDAExecutionProvider", 57), (only.Provider, only.Count));
        Assert.Empty(placement.OutsideOf("CUDAExecutionProvider"));
        Assert.Equal("CUDAExecutionProvider: 57 nodes", placement.ToString());
    }

    [Fact]
    public void Without_a_report_the_placement_is_unknown()
    {
        var builder = new NodePlacement.Builder();
        builder.Add("Some nodes were not assigned to the preferred execution providers");

        Assert.Same(NodePlacement.Unknown, builder.Build());
        Assert.False(NodePlacement.Unknown.IsKnown);
    }

    [Fact]
    public void Loading_with_a_logger_reads_ORTs_real_report_and_logs_the_provider()
    {
        var log = new ListLogger();
        var options = new OnnxRuntimeOptions { Logger = log };

        using var servable = OnnxServable.FromBytes(new ServableId("half", 1), TestModels.HalfPlusTwo(), options);

        Assert.Equal("CPUExecutionProvider", servable.ExecutionProvider);
        var only = Assert.Single(servable.Placement.Providers);
        Assert.Equal(("CPUExecutionProvider", 2), (only.Provider, only.Count));
        var line = Assert.Single(log.Messages);
        Assert.Equal("Model half version 1 runs on CPUExecutionProvider (cpu, 1 session(s)): CPUExecutionProvider: 2 nodes", line);
    }

    [Fact]
    public void Without_a_logger_no_report_is_asked_for()
    {
        using var servable = OnnxServable.FromBytes(new ServableId("half", 1), TestModels.HalfPlusTwo(), OnnxRuntimeOptions.Default);

        Assert.Equal("CPUExecutionProvider", servable.ExecutionProvider);
        Assert.False(servable.Placement.IsKnown);
    }

    private sealed class ProviderNodesComparer : IEqualityComparer<ProviderNodes>
    {
        public static ProviderNodesComparer Instance { get; } = new();

        public bool Equals(ProviderNodes? x, ProviderNodes? y) =>
            x is not null && y is not null && x.Provider == y.Provider && x.Count == y.Count && x.NodeNames.SequenceEqual(y.NodeNames);

        public int GetHashCode(ProviderNodes obj) => HashCode.Combine(obj.Provider, obj.Count);
    }

    private sealed class ListLogger : ILogger
    {
        private readonly List<string> _messages = [];

        public IReadOnlyList<string> Messages
        {
            get
            {
                lock (_messages)
                {
                    return _messages.ToList();
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_messages)
            {
                _messages.Add(formatter(state, exception));
            }
        }
    }
}
