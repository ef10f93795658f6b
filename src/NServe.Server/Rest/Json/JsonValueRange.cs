namespace NServe.Server.Rest.Json;

/// <summary>Where one JSON value lies in a body: from its first byte up to (not including) <see cref="End"/>.</summary>
internal readonly record struct JsonValueRange(int Start, int End)
{
    public static readonly JsonValueRange None = new(-1, -1);

    public bool Exists => Start >= 0;

    public int Length => End - Start;
}
