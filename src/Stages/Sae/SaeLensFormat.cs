using System.Text.Json.Nodes;
using SaePipeline.Formats;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// SAELens's folder layout (sae-anchors §2.1): <c>cfg.json</c> (v6 inference keys) and <c>sae_weights.safetensors</c>
/// with W_enc [d_in, d_sae], b_enc, W_dec [d_sae, d_in], b_dec in float32, so `SAE.load_from_disk` and SAEBench read
/// what we write. How the SAE was trained goes under metadata.training (provenance survives the format).
/// </summary>
public static class SaeLensFormat
{
    public const string CfgFile = "cfg.json", WeightsFile = "sae_weights.safetensors";

    public static void Save(string dir, ReluSae sae, JsonObject metadata)
    {
        var cfg = new JsonObject
        {
            ["architecture"] = "standard",
            ["d_in"] = sae.DIn,
            ["d_sae"] = sae.DSae,
            ["dtype"] = "float32",
            ["device"] = "cpu",
            ["apply_b_dec_to_input"] = true,
            ["normalize_activations"] = "none",
            ["reshape_activations"] = "none",
            ["metadata"] = metadata,
        };
        AtomicFile.WriteAllText(Path.Combine(dir, CfgFile), cfg.ToJsonString(Json.Options) + "\n");
        Safetensors.Save(Path.Combine(dir, WeightsFile), new Dictionary<string, Tensor>
        {
            ["W_enc"] = sae.W_enc, ["b_enc"] = sae.b_enc, ["W_dec"] = sae.W_dec, ["b_dec"] = sae.b_dec,
        });
    }

    /// <summary>Loads a standard (ReLU) SAE folder, checking the config against the tensors.</summary>
    public static (ReluSae Sae, JsonObject Cfg) Load(string dir, Device device)
    {
        string cfgPath = Path.Combine(dir, CfgFile), weightsPath = Path.Combine(dir, WeightsFile);
        foreach (var file in new[] { cfgPath, weightsPath })
            if (!File.Exists(file)) throw new PipelineException($"{dir} is not an SAE folder in SAELens layout: missing {Path.GetFileName(file)}", file);
        JsonObject cfg;
        string architecture;
        int dIn, dSae;
        try
        {
            cfg = JsonNode.Parse(File.ReadAllText(cfgPath))?.AsObject() ?? throw new PipelineException($"{cfgPath} is not a JSON object", cfgPath);
            architecture = cfg["architecture"]?.GetValue<string>() ?? "standard";
            if (architecture != "standard")
                throw new PipelineException($"{cfgPath}: architecture '{architecture}' is not supported yet (only 'standard')", cfgPath);
            if (cfg["apply_b_dec_to_input"]?.GetValue<bool>() == false)
                throw new PipelineException($"{cfgPath}: apply_b_dec_to_input = false is not supported for standard SAEs yet", cfgPath);
            dIn = cfg["d_in"]?.GetValue<int>() ?? throw new PipelineException($"{cfgPath}: no d_in", cfgPath);
            dSae = cfg["d_sae"]?.GetValue<int>() ?? throw new PipelineException($"{cfgPath}: no d_sae", cfgPath);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            throw new PipelineException($"{cfgPath}: not a valid SAELens cfg.json ({e.Message})", cfgPath, e);
        }
        var tensors = Safetensors.Load(weightsPath);
        Tensor Take(string name, params long[] shape)
        {
            if (!tensors.TryGetValue(name, out var t))
                throw new PipelineException($"{weightsPath}: missing tensor '{name}' (has: {string.Join(", ", tensors.Keys)})", weightsPath);
            if (!t.shape.SequenceEqual(shape))
                throw new PipelineException($"{weightsPath}: tensor '{name}' has shape [{string.Join(", ", t.shape)}], expected [{string.Join(", ", shape)}] from {CfgFile}", weightsPath);
            return t.to(float32).to(device);
        }
        var sae = new ReluSae(Take("W_enc", dIn, dSae), Take("b_enc", dSae), Take("W_dec", dSae, dIn), Take("b_dec", dIn));
        foreach (var t in tensors.Values) t.Dispose();
        return (sae, cfg);
    }
}
