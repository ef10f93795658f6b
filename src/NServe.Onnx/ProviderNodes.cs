namespace NServe.Onnx;

/// <summary>The nodes of one session that ORT placed on one execution provider (names only when split).</summary>
public sealed record ProviderNodes(string Provider, int Count, IReadOnlyList<string> NodeNames);
