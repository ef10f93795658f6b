using NServe.Core.Errors;
using NServe.Core.Inference;
using NServe.Core.Servables;
using NServe.Core.Tensors;

namespace NServe.Core.Tests.Inference;

/// <summary>TF Serving's input and output checks (predict_util.cc), on the accepting and the failing side.</summary>
public sealed class PredictValidationTests
{
    private static readonly Signature TwoInputs = new(
        Signature.PredictMethod,
        [new("a", Spec("a:0")), new("b", Spec("b:0"))],
        [new("y", Spec("y:0")), new("z", Spec("z:0"))]);

    private static readonly Signature WithDefault = new(
        Signature.PredictMethod,
        [new("a", Spec("a:0")), new("d", Spec("d:0"))],
        [new("y", Spec("y:0"))])
    {
        DefaultedInputs = new HashSet<string> { "d" },
    };

    [Theory]
    [InlineData("a,b")]
    [InlineData("b,a")]
    public void EveryInputSentIsAccepted(string sent) => PredictValidation.CheckInputs(TwoInputs, sent.Split(','));

    [Theory]
    [InlineData("a")]
    [InlineData("a,d")]
    public void ADefaultedInputMayBeLeftOutOrSent(string sent) => PredictValidation.CheckInputs(WithDefault, sent.Split(','));

    [Fact]
    public void AMissingInputIsNamed()
    {
        var error = Assert.Throws<ServingException>(() => PredictValidation.CheckInputs(TwoInputs, ["b"]));
        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Equal(
            "input size does not match signature: 1!=2 len({b}) != len({a,b}). Sent extra: {}. Missing but required: {a}.",
            error.Message);
    }

    [Fact]
    public void AnExtraInputIsNamed()
    {
        var error = Assert.Throws<ServingException>(() => PredictValidation.CheckInputs(TwoInputs, ["a", "b", "c"]));
        Assert.Equal(
            "input size does not match signature: 3!=2 len({a,b,c}) != len({a,b}). Sent extra: {c}. Missing but required: {}.",
            error.Message);
    }

    [Fact]
    public void AWrongAliasInPlaceOfADefaultedOneCountsAsExtra()
    {
        // The defaulted input left out counts on top of what was sent, as in TF Serving.
        var error = Assert.Throws<ServingException>(() => PredictValidation.CheckInputs(WithDefault, ["a", "x"]));
        Assert.Equal(
            "input size does not match signature: 2!=2 len({a,x}) != len({a,d}). Sent extra: {x}. Missing but required: {}.",
            error.Message);
    }

    [Fact]
    public void WithoutAFilterEveryOutputIsComputedInSignatureOrder()
    {
        Assert.Equal(["y", "z"], PredictValidation.ResolveOutputs(TwoInputs, null));
        Assert.Equal(["y", "z"], PredictValidation.ResolveOutputs(TwoInputs, []));
        Assert.Equal(["z"], PredictValidation.ResolveOutputs(TwoInputs, ["z"]));
    }

    [Fact]
    public void AnUnknownOrRepeatedOutputAliasIsRejected()
    {
        Assert.StartsWith(
            "output tensor alias not found in signature: q",
            Assert.Throws<ServingException>(() => PredictValidation.ResolveOutputs(TwoInputs, ["q"])).Message);
        Assert.Equal(
            "duplicate output tensor alias: y",
            Assert.Throws<ServingException>(() => PredictValidation.ResolveOutputs(TwoInputs, ["y", "y"])).Message);
    }

    private static TensorSpec Spec(string name) => new(name, TensorDataType.Float, [-1]);
}
