using Tensorflow.Serving;

namespace NServe.Server.Rest.Json;

/// <summary>
/// A decoded REST classify or regress body: the signature name it gives (empty when none, meaning
/// <c>serving_default</c>) and its examples as TF Serving's <see cref="Input"/>: an ExampleList, or an
/// ExampleListWithContext when the body has a <c>context</c>.
/// </summary>
public sealed record ExampleRequestJson(string SignatureName, Input Input);
