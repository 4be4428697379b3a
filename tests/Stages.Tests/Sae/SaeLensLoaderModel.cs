using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SaePipeline.Tests.Sae;

/// <summary>
/// What SAELens 6.18's <c>SAE.load_from_disk</c> and SAEBench 0.6's <c>_standardize_sae_cfg</c> do to a cfg.json, re-written
/// here from their source (SAELens <c>loading/pretrained_sae_loaders.py</c>: handle_config_defaulting,
/// handle_pre_6_0_config, LLM_METADATA_KEYS; <c>saes/sae.py</c>: SAEConfig.from_dict; SAEBench
/// <c>sae_bench_utils/general_utils.py</c>), independently of the project's own reader, so a test can say what the
/// Python tools will make of a file we wrote. Only the decisions that matter for loading are modelled.
/// </summary>
public static partial class SaeLensLoaderModel
{
    static readonly HashSet<string> LlmMetadataKeys =
    [
        "model_name", "hook_name", "model_class_name", "hook_head_index", "model_from_pretrained_kwargs", "prepend_bos",
        "exclude_special_tokens", "neuronpedia_id", "context_size", "seqpos_slice", "dataset_path", "sae_lens_version",
        "sae_lens_training_version", "hook_name_out", "hook_head_index_out",
    ];

    /// <summary>The dataclass fields of each architecture's inference config (SAEConfig plus TopKSAEConfig's two).</summary>
    static IReadOnlySet<string> Fields(string architecture)
    {
        var fields = new HashSet<string> { "d_in", "d_sae", "dtype", "device", "apply_b_dec_to_input", "normalize_activations", "reshape_activations", "metadata" };
        if (architecture == "topk") fields.UnionWith(["k", "rescale_acts_by_decoder_norm"]);
        if (architecture is not ("standard" or "topk" or "jumprelu" or "gated"))
            throw new InvalidOperationException($"SAELens has no inference SAE class for architecture '{architecture}'");
        return fields;
    }

    /// <summary>handle_config_defaulting: the version decides the path (the tests use plain X.Y.Z versions).</summary>
    public static JsonObject HandleConfigDefaulting(JsonObject cfg)
    {
        string? version = cfg["sae_lens_version"]?.GetValue<string>() ?? (cfg["metadata"] as JsonObject)?["sae_lens_version"]?.GetValue<string>();
        bool v6 = !string.IsNullOrEmpty(version) && int.Parse(MajorVersion().Match(version).Value) >= 6;
        return v6 ? (JsonObject)cfg.DeepClone() : HandlePre60Config(cfg);
    }

    static JsonObject HandlePre60Config(JsonObject cfg)
    {
        var renames = new Dictionary<string, string> { ["hook_point"] = "hook_name", ["hook_point_head_index"] = "hook_head_index", ["activation_fn_str"] = "activation_fn" };
        var c = new JsonObject(cfg.Select(kv => KeyValuePair.Create(renames.GetValueOrDefault(kv.Key, kv.Key), kv.Value?.DeepClone())));
        c.TryAdd("prepend_bos", true);
        c.TryAdd("apply_b_dec_to_input", true);
        c.TryAdd("activation_fn", "relu");
        c.TryAdd("architecture", "standard");
        c.TryAdd("reshape_activations", (c["hook_name"]?.GetValue<string>() ?? "").Contains("hook_z") ? "hook_z" : "none");
        if (c["activation_fn"]?.GetValue<string>() == "topk" && c["activation_fn_kwargs"]?["k"] is { } k)
        {
            c["architecture"] = "topk";
            c["k"] = k.DeepClone();
        }
        if (c["normalize_activations"] is JsonValue v && v.TryGetValue(out bool b)) c["normalize_activations"] = b ? "expected_average_only_in" : "none";
        if (c["normalize_activations"] is null) c["normalize_activations"] = "none";
        c.TryAdd("device", "cpu");
        string architecture = c["architecture"]!.GetValue<string>();
        var fields = Fields(architecture);
        var result = new JsonObject(c.Where(kv => fields.Contains(kv.Key)).Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));
        // Built from the top-level keys only: a nested metadata object is replaced.
        result["metadata"] = new JsonObject(c.Where(kv => LlmMetadataKeys.Contains(kv.Key)).Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));
        result["architecture"] = architecture;
        return result;
    }

    /// <summary>SAEConfig.from_dict after defaulting: the architecture's fields, and metadata as given.</summary>
    public static JsonObject Load(JsonObject cfgJson)
    {
        var cfg = HandleConfigDefaulting(cfgJson);
        string architecture = cfg["architecture"]!.GetValue<string>();
        var fields = Fields(architecture);
        var config = new JsonObject(cfg.Where(kv => fields.Contains(kv.Key)).Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));
        config["architecture"] = architecture;
        config["metadata"] ??= new JsonObject();
        return config;
    }

    /// <summary>
    /// SAEBench's _standardize_sae_cfg on a loaded SAELens v6 config: hook_name, model_name and the hook layer (the first
    /// integer in hook_name) from the metadata, else it raises.
    /// </summary>
    public static (int HookLayer, string HookName, string ModelName) SaeBenchStandardize(JsonObject loaded)
    {
        var metadata = loaded["metadata"]!.AsObject();
        string? hookName = metadata["hook_name"]?.GetValue<string>();
        int? hookLayer = metadata["hook_layer"]?.GetValue<int>();
        if (hookName is not null && hookLayer is null && FirstInteger().Match(hookName) is { Success: true } m) hookLayer = int.Parse(m.Value);
        string? modelName = metadata["model_name"]?.GetValue<string>();
        if (hookLayer is null) throw new InvalidOperationException("Cound not determine Hook layer from SAE cfg");
        if (hookName is null) throw new InvalidOperationException("Cound not determine Hook name from SAE cfg");
        if (modelName is null) throw new InvalidOperationException("Cound not determine Model name from SAE cfg");
        return (hookLayer.Value, hookName, modelName);
    }

    [GeneratedRegex(@"^\d+")]
    private static partial Regex MajorVersion();

    [GeneratedRegex(@"\d+")]
    private static partial Regex FirstInteger();
}
