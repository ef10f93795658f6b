using Microsoft.ML.OnnxRuntime;

namespace NServe.Onnx.Tests.Gpu;

public class GpuSessionGroupTests
{
    [Fact]
    public void Requests_take_the_sessions_round_robin()
    {
        var model = TestModels.HalfPlusTwo();
        var sessions = Enumerable.Range(0, 3).Select(_ => OnnxSessionFactory.FromBytes(model, OnnxRuntimeOptions.Default)).ToList();
        using var group = new OnnxSessionGroup(sessions, ExecutionDevice.CpuProviderName, NodePlacement.Unknown);

        var taken = Enumerable.Range(0, 7).Select(_ => group.Next()).ToList();

        Assert.Equal(3, group.Count);
        Assert.Same(sessions[0], group.First);
        Assert.Equal(3, taken.Take(3).Distinct().Count());
        for (var i = 3; i < taken.Count; i++)
        {
            Assert.Same(taken[i - 3], taken[i]);
        }
    }

    [Fact]
    public void A_group_of_one_always_hands_out_its_session()
    {
        var session = OnnxSessionFactory.FromBytes(TestModels.HalfPlusTwo(), OnnxRuntimeOptions.Default);
        using var group = new OnnxSessionGroup([session], ExecutionDevice.CpuProviderName, NodePlacement.Unknown);

        Assert.All(Enumerable.Range(0, 4), _ => Assert.Same(session, group.Next()));
    }

    [Fact]
    public void A_group_needs_a_session()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxSessionGroup(Array.Empty<InferenceSession>(), ExecutionDevice.CpuProviderName, NodePlacement.Unknown));
    }

    [Fact]
    public void The_cpu_builds_one_session_per_model_whatever_num_gpu_instances_says()
    {
        using var group = OnnxSessionFactory.GroupFromBytes(TestModels.HalfPlusTwo(), new OnnxRuntimeOptions { GpuInstancesPerModel = 3 }, "m");

        Assert.Equal(1, group.Count);
        Assert.Equal(ExecutionDevice.CpuProviderName, group.ExecutionProvider);
    }
}
