using System.Text.Json.Nodes;

namespace SaePipeline.Runtime;

/// <summary>Key-by-key differences between two JSON objects, as "a.b: old → new" lines.</summary>
public static class ParamsDiff
{
    public static IReadOnlyList<string> Describe(JsonNode? before, JsonNode? after, string prefix = "")
    {
        var a = Flatten(before, prefix);
        var b = Flatten(after, prefix);
        var lines = new List<string>();
        foreach (var key in a.Keys.Union(b.Keys).Order(StringComparer.Ordinal))
        {
            bool inA = a.TryGetValue(key, out var va), inB = b.TryGetValue(key, out var vb);
            if (inA && inB && va != vb) lines.Add($"{key}: {va} → {vb}");
            else if (inA && !inB) lines.Add($"{key}: {va} → (removed)");
            else if (!inA && inB) lines.Add($"{key}: (new) {vb}");
        }
        return lines;
    }

    /// <summary>Lists of objects that carry a "name" are keyed by it (saes.relu-a.lr), the way -p:Set addresses them.</summary>
    static Dictionary<string, string> Flatten(JsonNode? node, string prefix)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        Walk(node, prefix, result);
        return result;
    }

    static void Walk(JsonNode? node, string path, Dictionary<string, string> into)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o) Walk(v, Join(path, k), into);
                break;
            case JsonArray arr:
                for (int i = 0; i < arr.Count; i++)
                {
                    string key = arr[i] is JsonObject e && e["name"] is JsonValue n && n.TryGetValue(out string? name) ? name : $"[{i}]";
                    Walk(arr[i], Join(path, key), into);
                }
                break;
            default:
                into[path] = node?.ToJsonString() ?? "null";
                break;
        }
    }

    static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
