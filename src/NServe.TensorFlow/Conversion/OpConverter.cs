namespace NServe.TensorFlow.Conversion;

/// <summary>Converts one TensorFlow node: emits ONNX nodes and binds every output the graph may use.</summary>
internal delegate void OpConverter(NodeContext node);
