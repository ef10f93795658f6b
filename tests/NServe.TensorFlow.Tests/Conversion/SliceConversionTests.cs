using NServe.Core.Tensors;
using Tensorflow;
using static NServe.TensorFlow.Tests.Conversion.ElementwiseConversionTests;

namespace NServe.TensorFlow.Tests.Conversion;

public sealed class SliceConversionTests
{
    public static TheoryData<string, int[], int[], int[], int, int, int, int, int> StridedSlices() => new()
    {
        // name, begin, end, strides, begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask  (input [4, 5, 6])
        { "plain", [1, 0, 2], [3, 5, 5], [1, 2, 1], 0, 0, 0, 0, 0 },
        { "negative bounds", [-3, -4, -1], [-1, -1, -7], [1, 1, -1], 0, 0, 0, 0, 0 },
        { "begin and end masks", [2, 1, 3], [3, 4, 4], [1, 1, 1], 0b101, 0b110, 0, 0, 0 },
        { "reverse with masks", [0, 0, 0], [0, 0, 0], [-1, 2, -2], 0b111, 0b111, 0, 0, 0 },
        { "shrink middle", [0, 2, 0], [4, 3, 6], [1, 1, 1], 0, 0, 0, 0, 0b010 },
        { "shrink last element", [0, -1, 0], [0, 0, 0], [1, 1, 1], 0b101, 0b101, 0, 0, 0b010 },
        { "shrink all", [1, 2, 3], [2, 3, 4], [1, 1, 1], 0, 0, 0, 0, 0b111 },
        { "ellipsis then slice", [0, 1], [0, 3], [1, 1], 0, 0, 0b01, 0, 0 },
        { "slice, ellipsis", [1, 0], [3, 0], [1, 1], 0, 0, 0b10, 0, 0 },
        { "new axis first", [0, 1], [0, 3], [1, 1], 0, 0, 0, 0b01, 0 },
        { "new axis after ellipsis", [0, 0, 2], [0, 0, 4], [1, 1, 1], 0, 0, 0b001, 0b010, 0 },
        { "ellipsis, new axis, shrink last", [0, 0, -1], [0, 0, 0], [1, 1, 1], 0, 0, 0b001, 0b010, 0b100 },
        { "fewer specs than dims", [1], [3], [1], 0, 0, 0, 0, 0 },
        { "stride past the end", [0, 0, 0], [10, 10, 10], [3, 4, 5], 0, 0, 0, 0, 0 },
    };

    [OracleTheory]
    [MemberData(nameof(StridedSlices))]
    public void StridedSliceMatchesTensorFlow(string name, int[] begin, int[] end, int[] strides, int beginMask, int endMask, int ellipsisMask, int newAxisMask, int shrinkMask)
    {
        Assert.NotEmpty(name);
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 5, 6]);
        g.Const("begin", TestTensor.Int32([begin.Length], begin));
        g.Const("end", TestTensor.Int32([end.Length], end));
        g.Const("strides", TestTensor.Int32([strides.Length], strides));
        g.Op("StridedSlice", "y", ["x", "begin", "end", "strides"], Attr.T(DataType.DtFloat), Attr.Type("Index", DataType.DtInt32),
            Attr.Int("begin_mask", beginMask), Attr.Int("end_mask", endMask), Attr.Int("ellipsis_mask", ellipsisMask),
            Attr.Int("new_axis_mask", newAxisMask), Attr.Int("shrink_axis_mask", shrinkMask));
        var x = new TestTensor(TensorDataType.Float, [4, 5, 6], Enumerable.Range(0, 120).Select(i => (double)i).ToArray());

        Converted.AgreeWithOracle(g, Feeds(("x:0", x)), ["y:0"]);
    }

    [Fact]
    public void StridedSliceOfAnEmptyRangeIsEmpty()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 2]);
        g.Const("begin", TestTensor.Int32([1], 3));
        g.Const("end", TestTensor.Int32([1], 1));
        g.Const("strides", TestTensor.Int32([1], 1));
        g.Op("StridedSlice", "y", ["x", "begin", "end", "strides"], Attr.T(DataType.DtFloat), Attr.Type("Index", DataType.DtInt32));

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Float([4, 2], 0, 1, 2, 3, 4, 5, 6, 7))), "y:0");

        Assert.Equal([0L, 2], result["y:0"].Shape);
    }

    // begin and end computed at run time (an index fed in), as loops slice one step at a time.
    [OracleFact]
    public void StridedSliceWithRunTimeBounds()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 3]);
        g.Placeholder("begin", TensorDataType.Int32, [2]);
        g.Placeholder("end", TensorDataType.Int32, [2]);
        g.Const("strides", TestTensor.Int32([2], 1, 1));
        g.Op("StridedSlice", "y", ["x", "begin", "end", "strides"], Attr.T(DataType.DtFloat), Attr.Type("Index", DataType.DtInt32), Attr.Int("end_mask", 2));
        g.Op("StridedSlice", "row", ["x", "begin", "end", "strides"], Attr.T(DataType.DtFloat), Attr.Type("Index", DataType.DtInt32), Attr.Int("shrink_axis_mask", 1), Attr.Int("end_mask", 2));
        var x = new TestTensor(TensorDataType.Float, [4, 3], Enumerable.Range(0, 12).Select(i => (double)i).ToArray());

        Converted.AgreeWithOracle(g, Feeds(("x:0", x), ("begin:0", TestTensor.Int32([2], -1, 1)), ("end:0", TestTensor.Int32([2], 4, 0))), ["y:0", "row:0"]);
    }

    [OracleTheory]
    [InlineData(new[] { 1, 0 }, new[] { 2, -1 })]
    [InlineData(new[] { 0, 2 }, new[] { -1, 1 })]
    [InlineData(new[] { 3, 3 }, new[] { 0, 0 })]
    public void SliceTakesSizesWithMinusOneToTheEnd(int[] begin, int[] size)
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 4]);
        g.Const("begin", TestTensor.Int32([2], begin));
        g.Const("size", TestTensor.Int32([2], size));
        g.Op("Slice", "y", ["x", "begin", "size"], Attr.T(DataType.DtFloat), Attr.Type("Index", DataType.DtInt32));

        Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.RandomFloat([3, 4], 9))), ["y:0"]);
    }

    [Fact]
    public void SliceWithRunTimeBeginAndSize()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1]);
        g.Placeholder("begin", TensorDataType.Int32, [1]);
        g.Placeholder("size", TensorDataType.Int32, [1]);
        g.Op("Slice", "y", ["x", "begin", "size"], Attr.T(DataType.DtFloat), Attr.Type("Index", DataType.DtInt32));
        var x = TestTensor.Float([5], 0, 1, 2, 3, 4);

        var toEnd = Converted.Run(g, Feeds(("x:0", x), ("begin:0", TestTensor.Int32([1], 2)), ("size:0", TestTensor.Int32([1], -1))), "y:0");
        var two = Converted.Run(g, Feeds(("x:0", x), ("begin:0", TestTensor.Int32([1], 1)), ("size:0", TestTensor.Int32([1], 2))), "y:0");

        Converted.AssertClose(TestTensor.Float([3], 2, 3, 4), toEnd["y:0"]);
        Converted.AssertClose(TestTensor.Float([2], 1, 2), two["y:0"]);
    }
}
