using NServe.Core.Tensors;
using Tensorflow;
using static NServe.TensorFlow.Tests.Conversion.ElementwiseConversionTests;

namespace NServe.TensorFlow.Tests.Conversion;

public sealed class UnaryConversionTests
{
    [OracleTheory]
    [InlineData("Neg")]
    [InlineData("Abs")]
    [InlineData("Sign")]
    [InlineData("Exp")]
    [InlineData("Floor")]
    [InlineData("Ceil")]
    [InlineData("Square")]
    [InlineData("Reciprocal")]
    [InlineData("Sin")]
    [InlineData("Cos")]
    [InlineData("Tan")]
    [InlineData("Atan")]
    [InlineData("Sinh")]
    [InlineData("Cosh")]
    [InlineData("Asinh")]
    [InlineData("Erf")]
    [InlineData("Expm1")]
    [InlineData("Relu")]
    [InlineData("Relu6")]
    [InlineData("Elu")]
    [InlineData("Selu")]
    [InlineData("Sigmoid")]
    [InlineData("Tanh")]
    [InlineData("Softplus")]
    [InlineData("Softmax")]
    [InlineData("LogSoftmax")]
    [InlineData("IsNan")]
    public void UnaryOpsOverAnyRealMatchTensorFlow(string op)
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 4]);
        g.Op(op, "y", ["x"], Attr.T(DataType.DtFloat));
        var x = TestTensor.Float([3, 4], -7, -2.5f, -1, -0.3f, 0, 0.25f, 0.5f, 1, 1.5f, 2.5f, 6.5f, 9);
        if (op == "Reciprocal")
        {
            x.Numbers[4] = 0.1; // the oracle's JSON cannot carry 1/0 = inf
        }

        Converted.AgreeWithOracle(g, Feeds(("x:0", x)), ["y:0"], rtol: 1e-5, atol: 1e-6);
    }

    [OracleTheory]
    [InlineData("Log")]
    [InlineData("Sqrt")]
    [InlineData("Rsqrt")]
    [InlineData("Log1p")]
    [InlineData("Acosh")]
    public void UnaryOpsOverPositiveRealsMatchTensorFlow(string op)
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1]);
        g.Op(op, "y", ["x"], Attr.T(DataType.DtFloat));

        Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.Float([5], 1, 1.5f, 2, 10, 1000))), ["y:0"], rtol: 1e-5);
    }

    [OracleTheory]
    [InlineData("Asin")]
    [InlineData("Acos")]
    [InlineData("Atanh")]
    public void UnaryOpsOverTheOpenUnitIntervalMatchTensorFlow(string op)
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1]);
        g.Op(op, "y", ["x"], Attr.T(DataType.DtFloat));

        Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.Float([5], -0.9f, -0.5f, 0, 0.3f, 0.75f))), ["y:0"], rtol: 1e-5, atol: 1e-6);
    }

    // Round and Rint round half to even in TensorFlow, as ONNX Round does.
    [Theory]
    [InlineData("Round")]
    [InlineData("Rint")]
    public void RoundingTakesHalvesToEven(string op)
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1]);
        g.Op(op, "y", ["x"], Attr.T(DataType.DtFloat));

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Float([7], 0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 2.4f, -2.6f))), "y:0");

        Converted.AssertClose(TestTensor.Float([7], 0, 2, 2, 0, -2, 2, -3), result["y:0"]);
    }

    [Fact]
    public void SoftsignDividesByOnePlusTheMagnitude()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1]);
        g.Op("Softsign", "y", ["x"], Attr.T(DataType.DtFloat));

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Float([3], -3, 0, 1))), "y:0");

        Converted.AssertClose(TestTensor.Float([3], -0.75f, 0, 0.5f), result["y:0"]);
    }

    [Fact]
    public void IsInfAndIsFiniteClassifyValues()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1]);
        g.Op("IsInf", "inf", ["x"], Attr.T(DataType.DtFloat));
        g.Op("IsFinite", "finite", ["x"], Attr.T(DataType.DtFloat));

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Float([4], 1, float.PositiveInfinity, float.NegativeInfinity, float.NaN))), "inf:0", "finite:0");

        Converted.AssertClose(TestTensor.Bool([4], false, true, true, false), result["inf:0"]);
        Converted.AssertClose(TestTensor.Bool([4], true, false, false, false), result["finite:0"]);
    }

    [Fact]
    public void IntegerReluAndNegStayIntegers()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Int32, [-1]);
        g.Op("Relu", "relu", ["x"], Attr.T(DataType.DtInt32));
        g.Op("Neg", "neg", ["x"], Attr.T(DataType.DtInt32));
        g.Op("Abs", "abs", ["x"], Attr.T(DataType.DtInt32));

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Int32([3], -5, 0, 7))), "relu:0", "neg:0", "abs:0");

        Converted.AssertClose(TestTensor.Int32([3], 0, 0, 7), result["relu:0"]);
        Converted.AssertClose(TestTensor.Int32([3], 5, 0, -7), result["neg:0"]);
        Converted.AssertClose(TestTensor.Int32([3], 5, 0, 7), result["abs:0"]);
    }

    [OracleFact]
    public void LeakyReluUsesItsAlpha()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1]);
        g.Op("LeakyRelu", "y", ["x"], Attr.T(DataType.DtFloat), Attr.Float("alpha", 0.1f));
        g.Op("LeakyRelu", "d", ["x"], Attr.T(DataType.DtFloat));

        var result = Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.Float([3], -2, 0, 3))), ["y:0", "d:0"]);

        Converted.AssertClose(TestTensor.Float([3], -0.2f, 0, 3), result["y:0"]);
        Converted.AssertClose(TestTensor.Float([3], -0.4f, 0, 3), result["d:0"]);
    }

    [OracleFact]
    public void SoftmaxNormalizesTheLastAxisOfA3dTensor()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [2, 3, 4]);
        g.Op("Softmax", "y", ["x"], Attr.T(DataType.DtFloat));

        var result = Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.RandomFloat([2, 3, 4], 5, -3, 3))), ["y:0"]);

        for (var row = 0; row < 6; row++)
        {
            Assert.Equal(1.0, result["y:0"].Numbers.Skip(row * 4).Take(4).Sum(), 5);
        }
    }
}
