using System.Text.Json;
using System.Text.Json.Nodes;
using SaePipeline.Runtime;

namespace SaePipeline.Models;

/// <summary>
/// A HuggingFace <c>config.json</c>. Keys have been renamed across transformers versions (<c>rotary_pct</c> →
/// <c>partial_rotary_factor</c>, <c>n_embd</c> → <c>hidden_size</c>, <c>hidden_act</c> → <c>hidden_activation</c>), and hub
/// files carry either or both, so every lookup names its spellings in order of preference. A JSON <c>null</c> counts as
/// absent (GPT-2's <c>n_inner: null</c> means "use the default"). Errors name the file and the key.
/// </summary>
public sealed class HfConfig
{
    readonly JsonObject root;

    HfConfig(string path, JsonObject root)
    {
        Path = path;
        this.root = root;
    }

    public const string FileName = "config.json";

    public string Path { get; }

    public static HfConfig Read(string folder)
    {
        string path = System.IO.Path.Combine(folder, FileName);
        if (!File.Exists(path))
            throw new PipelineException($"{path} is missing: a HuggingFace checkpoint folder needs config.json beside its weights", path);
        try
        {
            return new HfConfig(path, JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                                      ?? throw new PipelineException($"{path}: not a JSON object", path));
        }
        catch (JsonException e)
        {
            throw new PipelineException($"{path}: not valid JSON ({e.Message})", path);
        }
    }

    /// <summary><c>model_type</c>, which says the architecture (gpt2, gpt_neox, gemma2, ...).</summary>
    public string ModelType => String(null, "model_type") ?? throw Missing("model_type");

    /// <summary>The key is present with a non-null value.</summary>
    public bool Has(string key) => root[key] is not null;

    /// <summary>The key is present, even as null.</summary>
    public bool ContainsKey(string key) => root.ContainsKey(key);

    /// <summary>For keys where null means "off": absent → <paramref name="whenAbsent"/>, null → null, a number → it.</summary>
    public double? DoubleOrNull(string key, double? whenAbsent) => ContainsKey(key) ? OptionalDouble(key) : whenAbsent;

    public int Int(params string[] keys) => OptionalInt(keys) ?? throw Missing(keys);

    public int? OptionalInt(params string[] keys) => Find(keys) is (string key, JsonValue v)
        ? v.TryGetValue(out long l) && l is >= int.MinValue and <= int.MaxValue ? (int)l : throw WrongType(key, "an integer", v)
        : null;

    public double Double(params string[] keys) => OptionalDouble(keys) ?? throw Missing(keys);

    public double? OptionalDouble(params string[] keys) => Find(keys) is (string key, JsonValue v)
        ? v.TryGetValue(out double d) ? d : throw WrongType(key, "a number", v)
        : null;

    public bool? OptionalBool(params string[] keys) => Find(keys) is (string key, JsonValue v)
        ? v.TryGetValue(out bool b) ? b : throw WrongType(key, "true or false", v)
        : null;

    public string? String(string? fallback, params string[] keys) => Find(keys) is (string key, JsonValue v)
        ? v.TryGetValue(out string? s) ? s : throw WrongType(key, "a string", v)
        : fallback;

    /// <summary>The first of the keys present with a non-null value.</summary>
    (string Key, JsonValue Value)? Find(string[] keys)
    {
        foreach (var key in keys)
        {
            var node = root[key];
            if (node is null) continue;
            if (node is JsonValue value) return (key, value);
            throw WrongType(key, "a single value", node);
        }
        return null;
    }

    PipelineException WrongType(string key, string expected, JsonNode found) =>
        new($"{Path}: key '{key}' should be {expected}, found {found.ToJsonString()}", Path);

    PipelineException Missing(params string[] keys) =>
        new($"{Path}: key '{keys[0]}'{(keys.Length > 1 ? $" (or {string.Join(", ", keys[1..].Select(k => $"'{k}'"))})" : "")} is missing", Path);

    /// <summary>An error about this file that is not about one key's type (an unsupported value, inconsistent sizes).</summary>
    public PipelineException Error(string message) => new($"{Path}: {message}", Path);
}
