using System.Net.Http;
using System.Text;
using System.Text.Json;

namespace NServe.EndToEnd.Tests.Infrastructure;

/// <summary>Small helpers for REST calls in tests.</summary>
public static class Json
{
    public static async Task<(int Status, string Body)> PostAsync(HttpClient http, string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(path, content);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public static async Task<(int Status, string Body)> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Floats of a JSON array found at <paramref name="key"/>, flattened.</summary>
    public static double[] Numbers(string json, string key)
    {
        using var document = JsonDocument.Parse(json);
        var values = new List<double>();
        Flatten(document.RootElement.GetProperty(key), values);
        return [.. values];
    }

    /// <summary>The message of a TF Serving error body.</summary>
    public static string Error(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("error").GetString()!;
    }

    private static void Flatten(JsonElement element, List<double> values)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                Flatten(item, values);
            }
        }
        else
        {
            values.Add(element.GetDouble());
        }
    }
}
