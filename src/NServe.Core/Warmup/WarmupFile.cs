namespace NServe.Core.Warmup;

/// <summary>Where TF Serving keeps a version's warmup requests, and how many records it allows.</summary>
public static class WarmupFile
{
    /// <summary>Folder inside the version folder (TF's <c>kSavedModelAssetsExtraDirectory</c>).</summary>
    public const string AssetsExtraFolder = "assets.extra";

    /// <summary>File name (TF Serving's <c>WarmupConsts::kRequestsFileName</c>).</summary>
    public const string RequestsFileName = "tf_serving_warmup_requests";

    /// <summary>Most records a warmup file may hold (<c>WarmupConsts::kMaxNumRecords</c>).</summary>
    public const int MaxRecords = 1000;

    /// <summary>The warmup file of the version in <paramref name="versionPath"/>.</summary>
    public static string PathIn(string versionPath) => Path.Combine(versionPath, AssetsExtraFolder, RequestsFileName);
}
