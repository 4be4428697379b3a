using System.Text.Json.Nodes;
using SaePipeline.Formats;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// SAELens's folder layout (sae-anchors §2.1): <c>cfg.json</c> and <c>sae_weights.safetensors</c> in float32, so
/// `SAE.load_from_disk` and SAEBench read what we write, and we read what they write.
/// <list type="bullet">
/// <item>Written: v6 inference keys. standard / topk (with k) / jumprelu (with threshold; BatchTopK exports as a
///   jumprelu with one shared threshold, as SAELens does) / gated (b_gate, r_mag, b_mag). How the SAE was trained goes
///   under metadata.training, so provenance survives the format.</item>
/// <item>Read: v6 keys, and pre-6.0 flat configs (hook_point, activation_fn_str / activation_fn + activation_fn_kwargs.k
///   for TopK, a boolean normalize_activations, a scaling_factor tensor of ones), any float dtype.</item>
/// </list>
/// </summary>
public static class SaeLensFormat
{
    public const string CfgFile = "cfg.json", WeightsFile = "sae_weights.safetensors";

    public static void Save(string dir, SparseAutoencoder sae, JsonObject metadata)
    {
        var cfg = new JsonObject
        {
            ["architecture"] = sae.SaeLensArchitecture,
            ["d_in"] = sae.DIn,
            ["d_sae"] = sae.DSae,
            ["dtype"] = "float32",
            ["device"] = "cpu",
            ["apply_b_dec_to_input"] = sae.ApplyBDecToInput,
            ["normalize_activations"] = "none",
            ["reshape_activations"] = "none",
        };
        foreach (var (key, value) in sae.SaeLensConfig()) cfg[key] = value?.DeepClone();
        cfg["metadata"] = metadata;
        AtomicFile.WriteAllText(Path.Combine(dir, CfgFile), cfg.ToJsonString(Json.Options) + "\n");
        Safetensors.Save(Path.Combine(dir, WeightsFile), sae.SaeLensTensors.ToDictionary(t => t.Name, t => t.Tensor));
    }

    /// <summary>Loads an SAE folder, checking the config against the tensors. Errors name the file and the key or tensor.</summary>
    public static (SparseAutoencoder Sae, JsonObject Cfg) Load(string dir, Device device)
    {
        string cfgPath = Path.Combine(dir, CfgFile), weightsPath = Path.Combine(dir, WeightsFile);
        foreach (var file in new[] { cfgPath, weightsPath })
            if (!File.Exists(file)) throw new PipelineException($"{dir} is not an SAE folder in SAELens layout: missing {Path.GetFileName(file)}", file);
        var cfg = ReadConfig(cfgPath);
        var tensors = Safetensors.Load(weightsPath);
        try
        {
            return (Build(cfg, new TensorSet(tensors, weightsPath, device), cfgPath), cfg);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>cfg.json with pre-6.0 keys mapped to v6 ones; the result is what Build and the eval JSON see.</summary>
    public static JsonObject ReadConfig(string cfgPath)
    {
        JsonObject raw;
        try
        {
            raw = JsonNode.Parse(File.ReadAllText(cfgPath))?.AsObject() ?? throw new PipelineException($"{cfgPath} is not a JSON object", cfgPath);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new PipelineException($"{cfgPath}: not valid JSON ({e.Message})", cfgPath, e);
        }
        return raw.ContainsKey("architecture") ? raw : FromLegacy(raw);
    }

    /// <summary>
    /// Pre-6.0 configs are flat: hook_point, hook_point_layer, hook_point_head_index, activation_fn_str (or
    /// activation_fn) with activation_fn_kwargs, normalize_activations possibly a boolean. The model and data keys move
    /// under metadata, as v6 keeps them.
    /// </summary>
    static JsonObject FromLegacy(JsonObject raw)
    {
        string activation = (raw["activation_fn_str"] ?? raw["activation_fn"])?.GetValue<string>() ?? "relu";
        var cfg = new JsonObject
        {
            ["architecture"] = activation == "topk" ? "topk" : "standard",
            ["d_in"] = raw["d_in"]?.DeepClone(),
            ["d_sae"] = raw["d_sae"]?.DeepClone(),
            ["dtype"] = raw["dtype"]?.DeepClone() ?? "float32",
            ["device"] = raw["device"]?.DeepClone() ?? "cpu",
            ["apply_b_dec_to_input"] = raw["apply_b_dec_to_input"]?.DeepClone() ?? true,
            ["normalize_activations"] = raw["normalize_activations"] switch
            {
                JsonValue v when v.TryGetValue(out bool b) => b ? "expected_average_only_in" : "none",
                { } other => other.DeepClone(),
                null => "none",
            },
        };
        if (activation == "topk") cfg["k"] = raw["activation_fn_kwargs"]?["k"]?.DeepClone();
        else if (activation != "relu") cfg["activation_fn"] = activation;   // refused by Build with its name
        var metadata = new JsonObject { ["sae_lens_version"] = raw["sae_lens_version"]?.DeepClone(), ["converted_from"] = "pre-6.0 cfg.json" };
        foreach (var (legacy, current) in new[] { ("hook_point", "hook_name"), ("hook_point_head_index", "hook_head_index"), ("model_name", "model_name"),
                                                  ("context_size", "context_size"), ("prepend_bos", "prepend_bos"), ("dataset_path", "dataset_path") })
            if (raw[legacy] is { } value) metadata[current] = value.DeepClone();
        cfg["metadata"] = metadata;
        return cfg;
    }

    static SparseAutoencoder Build(JsonObject cfg, TensorSet t, string cfgPath)
    {
        string architecture = Value<string>(cfg, "architecture", cfgPath);
        if (cfg["activation_fn"] is { } fn)
            throw new PipelineException($"{cfgPath}: activation_fn '{fn}' is not supported (relu or topk)", cfgPath);
        int dIn = Value<int>(cfg, "d_in", cfgPath), dSae = Value<int>(cfg, "d_sae", cfgPath);
        bool applyBDec = cfg["apply_b_dec_to_input"]?.GetValue<bool>() ?? true;
        string normalization = cfg["normalize_activations"]?.GetValue<string>() ?? "none";
        if (normalization != "none")
            throw new PipelineException(
                $"{cfgPath}: normalize_activations '{normalization}' needs a run-time input transform that the folder does not carry; " +
                "fold it into the weights first (SAELens: sae.fold_activation_norm_scaling_factor(...), then save_model) and set it to \"none\"", cfgPath);
        if (cfg["rescale_acts_by_decoder_norm"]?.GetValue<bool>() == true)
            throw new PipelineException($"{cfgPath}: rescale_acts_by_decoder_norm = true is not supported; SAELens folds it on save, so save the SAE with a current SAELens", cfgPath);
        t.CheckScalingFactorIsOne(dSae);
        var wEnc = t.Take("W_enc", dIn, dSae);
        var wDec = t.Take("W_dec", dSae, dIn);
        var bDec = t.Take("b_dec", dIn);
        return architecture switch
        {
            "standard" => new ReluSae(wEnc, t.Take("b_enc", dSae), wDec, bDec, applyBDecToInput: applyBDec),
            "topk" => new TopKSae(wEnc, t.Take("b_enc", dSae), wDec, bDec, Value<int>(cfg, "k", cfgPath), applyBDec),
            "jumprelu" => new JumpReluSae(wEnc, t.Take("b_enc", dSae), wDec, bDec, t.Take("threshold", dSae), applyBDec),
            "gated" => new GatedSae(wEnc, t.Take("b_gate", dSae), t.Take("r_mag", dSae), t.Take("b_mag", dSae), wDec, bDec, applyBDec),
            _ => throw new PipelineException($"{cfgPath}: architecture '{architecture}' is not supported (standard, topk, jumprelu, gated)", cfgPath),
        };
    }

    static T Value<T>(JsonObject cfg, string key, string cfgPath)
    {
        try
        {
            return cfg[key] is { } node ? node.GetValue<T>() : throw new PipelineException($"{cfgPath}: missing key '{key}'", cfgPath);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new PipelineException($"{cfgPath}: key '{key}' is {cfg[key]?.ToJsonString()}, expected {(typeof(T) == typeof(int) ? "an integer" : "a string")}", cfgPath, e);
        }
    }

    /// <summary>The tensors of one file, taken by name with their expected shape, converted to float32 on the device.</summary>
    public sealed class TensorSet(IReadOnlyDictionary<string, Tensor> tensors, string path, Device device)
    {
        public Tensor Take(string name, params long[] shape)
        {
            if (!tensors.TryGetValue(name, out var t))
                throw new PipelineException($"{path}: missing tensor '{name}' (has: {string.Join(", ", tensors.Keys.Order())})", path);
            if (!t.shape.SequenceEqual(shape))
                throw new PipelineException($"{path}: tensor '{name}' has shape [{string.Join(", ", t.shape)}], expected [{string.Join(", ", shape)}] from the config", path);
            if (!t.is_floating_point())
                throw new PipelineException($"{path}: tensor '{name}' is {t.dtype}, expected a float type", path);
            return t.to(float32).to(device);
        }

        /// <summary>Old SAELens files carry a per-latent scaling_factor; all ones means nothing, anything else we do not apply.</summary>
        public void CheckScalingFactorIsOne(int dSae)
        {
            foreach (var name in new[] { "scaling_factor", "finetuning_scaling_factor" })
                if (tensors.TryGetValue(name, out var s) && !(s.shape.SequenceEqual([dSae]) && s.to(float32).eq(1).all().item<bool>()))
                    throw new PipelineException($"{path}: tensor '{name}' is not all ones; fold it into W_dec before loading here", path);
        }
    }
}
