namespace NServe.Server.Rest.Json;

/// <summary>
/// The two shapes of a REST predict body: <c>instances</c> (row format: a list with one entry per batch
/// item) or <c>inputs</c> (columnar: whole tensors). The response mirrors it: <c>predictions</c> or <c>outputs</c>.
/// </summary>
public enum PredictRequestFormat
{
    Row,
    Columnar,
}
