using System.Text.Json.Nodes;
using SaePipeline.Runtime;

namespace SaePipeline.Sae;

/// <summary>
/// Reads a SAELens cfg.json into the v6 layout (architecture, sizes and flags at the top, model and data keys under
/// <c>metadata</c>), deciding the layout exactly as SAELens 6 does in <c>handle_config_defaulting</c>
/// (docs/sae-training.md §2.1): by <c>sae_lens_version</c> at the top level, else in <c>metadata</c>; a version
/// below 6.0.0-rc.0, or none, means a pre-6.0 file, whatever keys it has. Pre-6.0 files (SAELens ≤ 5.x) are flat and
/// say TopK by <c>activation_fn_str: "topk"</c> with <c>activation_fn_kwargs.k</c>, next to
/// <c>architecture: "standard"</c> in older releases, so the architecture key alone cannot be trusted there.
/// </summary>
public static class SaeLensConfigReader
{
    /// <summary>The top-level keys of a pre-6.0 file that SAELens 6 moves under metadata (its LLM_METADATA_KEYS).</summary>
    static readonly string[] MetadataKeys =
    [
        "model_name", "hook_name", "model_class_name", "hook_head_index", "model_from_pretrained_kwargs", "prepend_bos",
        "exclude_special_tokens", "neuronpedia_id", "context_size", "seqpos_slice", "dataset_path", "sae_lens_version",
        "sae_lens_training_version", "hook_name_out", "hook_head_index_out",
    ];

    public static JsonObject Read(string cfgPath)
    {
        JsonObject raw;
        try
        {
            raw = JsonNode.Parse(File.ReadAllText(cfgPath)) as JsonObject ?? throw new PipelineException($"{cfgPath} is not a JSON object", cfgPath);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new PipelineException($"{cfgPath}: not valid JSON ({e.Message})", cfgPath, e);
        }
        return IsV6(raw, cfgPath) ? raw : FromPre6(raw, cfgPath);
    }

    /// <summary>SAELens 6's rule: the file is v6 when its sae_lens_version (top level, else metadata) is at least 6.0.0-rc.0.</summary>
    static bool IsV6(JsonObject raw, string cfgPath)
    {
        var node = raw["sae_lens_version"] ?? (raw["metadata"] as JsonObject)?["sae_lens_version"];
        if (node is null) return false;
        string text = node is JsonValue v && v.TryGetValue(out string? s) ? s : node.ToJsonString();
        if (text.Length == 0) return false;   // Python's `not sae_lens_version`
        var version = SaeLensVersion.Parse(text)
                      ?? throw new PipelineException($"{cfgPath}: sae_lens_version '{text}' is not a version (expected e.g. \"6.18.0\")", cfgPath);
        return version.IsV6OrLater;
    }

    /// <summary>
    /// SAELens 6's <c>handle_pre_6_0_config</c>: hook_point → hook_name, hook_point_head_index → hook_head_index,
    /// activation_fn_str → activation_fn; TopK by activation function; a boolean normalize_activations; the metadata
    /// keys moved under metadata. Unlike SAELens we also keep the keys of a nested <c>metadata</c> object (files written
    /// in the v6 layout without a version, as this project wrote them before it recorded one), and we refuse an
    /// activation function we cannot compute, where SAELens 6 would load it silently as ReLU.
    /// </summary>
    static JsonObject FromPre6(JsonObject raw, string cfgPath)
    {
        JsonNode? Get(string key, string? legacy = null) => raw[key] ?? (legacy is null ? null : raw[legacy]);
        string activation = Text(Get("activation_fn", "activation_fn_str"), "activation_fn_str", cfgPath) ?? "relu";
        string architecture = Text(raw["architecture"], "architecture", cfgPath) ?? "standard";
        JsonNode? k = raw["k"];
        switch (activation)
        {
            case "relu":
                break;
            case "topk":
                k = (raw["activation_fn_kwargs"] as JsonObject)?["k"]
                    ?? throw new PipelineException($"{cfgPath}: activation_fn_str is \"topk\" but activation_fn_kwargs has no k (SAELens 5 refuses it too)", cfgPath);
                architecture = "topk";
                break;
            case "tanh-relu":
                throw new PipelineException(
                    $"{cfgPath}: activation_fn_str \"tanh-relu\" (f = tanh(relu(pre)), SAELens 5.x) has no equivalent here; SAELens 6 loads such a " +
                    "file as a plain ReLU SAE, which computes different latents, so it is refused rather than misread", cfgPath);
            default:
                throw new PipelineException($"{cfgPath}: activation_fn_str \"{activation}\" is not supported (relu or topk)", cfgPath);
        }
        string hookName = Text(Get("hook_name", "hook_point"), "hook_point", cfgPath) ?? "";
        var cfg = new JsonObject
        {
            ["architecture"] = architecture,
            ["d_in"] = raw["d_in"]?.DeepClone(),
            ["d_sae"] = raw["d_sae"]?.DeepClone(),
            ["dtype"] = raw["dtype"]?.DeepClone() ?? "float32",
            ["device"] = raw["device"]?.DeepClone() ?? "cpu",
            ["apply_b_dec_to_input"] = raw["apply_b_dec_to_input"]?.DeepClone() ?? true,
            ["normalize_activations"] = raw["normalize_activations"] switch
            {
                JsonValue v when v.TryGetValue(out bool b) => b ? "expected_average_only_in" : "none",
                null => "none",
                { } other => other.DeepClone(),
            },
            ["reshape_activations"] = raw["reshape_activations"]?.DeepClone() ?? (hookName.Contains("hook_z", StringComparison.Ordinal) ? "hook_z" : "none"),
        };
        if (architecture == "topk") cfg["k"] = k?.DeepClone();
        if (raw["rescale_acts_by_decoder_norm"] is { } rescale) cfg["rescale_acts_by_decoder_norm"] = rescale.DeepClone();
        var metadata = (raw["metadata"] as JsonObject)?.DeepClone().AsObject() ?? [];
        foreach (var key in MetadataKeys)
            if (Get(key, key switch { "hook_name" => "hook_point", "hook_head_index" => "hook_point_head_index", _ => null }) is { } value)
                metadata[key] = value.DeepClone();
        metadata["converted_from"] = "pre-6.0 cfg.json";
        cfg["metadata"] = metadata;
        return cfg;
    }

    static string? Text(JsonNode? node, string key, string cfgPath) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => throw new PipelineException($"{cfgPath}: key '{key}' is {node.ToJsonString()}, expected a string", cfgPath),
    };
}
