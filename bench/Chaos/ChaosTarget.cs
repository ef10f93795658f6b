namespace NServe.Bench.Chaos;

/// <summary>What a request names: a model and at most one of a version or a label.</summary>
public sealed record ChaosTarget(string Model, long? Version = null, string? Label = null)
{
    public const string ChaosModel = "chaos";
    public const string PlainModel = "plain";
    public const string SavedModel = "three";
    public const string ExtraModel = "extra";

    /// <summary>A name for counting: <c>chaos/version</c>, <c>chaos/label</c>, <c>plain</c>...</summary>
    public string Kind => Version is not null ? $"{Model}/version" : Label is not null ? $"{Model}/label" : Model;

    public string RestPath => Version is { } v ? $"/v1/models/{Model}/versions/{v}:predict"
        : Label is { } l ? $"/v1/models/{Model}/labels/{l}:predict"
        : $"/v1/models/{Model}:predict";

    public override string ToString() => Version is { } v ? $"{Model}@{v}" : Label is { } l ? $"{Model}@{l}" : Model;
}
