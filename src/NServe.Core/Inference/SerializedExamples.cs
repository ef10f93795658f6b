using Google.Protobuf;
using NServe.Core.Errors;
using NServe.Core.Tensors;
using Tensorflow.Serving;

namespace NServe.Core.Inference;

/// <summary>
/// TF Serving's <c>InputToSerializedExampleTensor</c> (servables/tensorflow/util.cc): the examples of an
/// <see cref="Input"/> as a DT_STRING [N] tensor of serialized <c>tf.Example</c>s, the form a classify or
/// regress signature's <c>inputs</c> takes. With a context, each element is the serialized context followed
/// by the serialized example: protobuf concatenation, which the parser reads as a merge (the example's
/// features win over the context's).
/// </summary>
public static class SerializedExamples
{
    /// <exception cref="ServingException">InvalidArgument "Input is empty." when there is no example.</exception>
    public static Tensor ToTensor(Input? input)
    {
        Google.Protobuf.Collections.RepeatedField<Tensorflow.Example>? examples = null;
        Tensorflow.Example? context = null;
        switch (input?.KindCase)
        {
            case Input.KindOneofCase.ExampleList:
                examples = input.ExampleList.Examples;
                break;
            case Input.KindOneofCase.ExampleListWithContext:
                examples = input.ExampleListWithContext.Examples;
                context = input.ExampleListWithContext.Context;
                break;
        }

        if (examples is null || examples.Count == 0)
        {
            throw ServingException.InvalidArgument("Input is empty.");
        }

        var prefix = context is null ? [] : context.ToByteArray();
        var strings = new byte[examples.Count][];
        for (var i = 0; i < strings.Length; i++)
        {
            var example = examples[i];
            var serialized = new byte[prefix.Length + example.CalculateSize()];
            prefix.CopyTo(serialized, 0);
            example.WriteTo(serialized.AsSpan(prefix.Length));
            strings[i] = serialized;
        }

        return Tensor.FromStrings([strings.Length], strings);
    }
}
