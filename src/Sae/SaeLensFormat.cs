using System.Text.Json.Nodes;
using SaePipeline.Formats;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// SAELens's folder layout (docs/sae-training.md §2.1): <c>cfg.json</c> and <c>sae_weights.safetensors</c> in float32,
/// so SAELens's <c>SAE.load_from_disk</c> and SAEBench read what we write, and we read what they write.
/// <list type="bullet">
/// <item>Written: v6 inference keys. standard / topk (with k) / jumprelu (with threshold; BatchTopK exports as a
///   jumprelu with one shared threshold, as SAELens does) / gated (b_gate, r_mag, b_mag). <c>metadata.sae_lens_version</c>
///   names the SAELens release whose layout this is (<see cref="FormatVersion"/>): without it SAELens 6 takes a file
///   for pre-6.0 and drops every metadata key, and SAEBench then cannot find the hook layer. How the SAE was trained
///   goes under metadata.training, so provenance survives the format.</item>
/// <item>Read: v6 files, and pre-6.0 ones as SAELens 6 converts them (<see cref="SaeLensConfigReader"/>), any float dtype.</item>
/// </list>
/// </summary>
public static class SaeLensFormat
{
    public const string CfgFile = "cfg.json", WeightsFile = "sae_weights.safetensors";

    /// <summary>The SAELens release whose cfg.json layout and loader we follow; written as metadata.sae_lens_version.</summary>
    public const string FormatVersion = "6.18.0";

    /// <param name="metadata">Model, hook and data keys (SAELens's metadata) and our own provenance. A sae_lens_version
    /// it carries (an imported file's) is kept as <c>source_sae_lens_version</c>: the written file is in this layout.</param>
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
        var written = new JsonObject { ["sae_lens_version"] = FormatVersion };
        foreach (var (key, value) in metadata)
            if (key == "sae_lens_version")
            {
                if (value?.ToString() is { Length: > 0 } source && source != FormatVersion) written["source_sae_lens_version"] = source;
            }
            else written[key] = value?.DeepClone();
        cfg["metadata"] = written;
        AtomicFile.WriteAllText(Path.Combine(dir, CfgFile), cfg.ToJsonString(Json.Options) + "\n");
        Safetensors.Save(Path.Combine(dir, WeightsFile), sae.SaeLensTensors.ToDictionary(t => t.Name, t => t.Tensor));
    }

    /// <summary>Loads an SAE folder, checking the config against the tensors. Errors name the file and the key or tensor.</summary>
    /// <param name="dtype">The dtype its tensors are converted to: float32 (training, our own arithmetic), or the model's
    /// dtype for SAEBench's evaluations, which cast the SAE to it (docs/saebench.md §0).</param>
    public static (SparseAutoencoder Sae, JsonObject Cfg) Load(string dir, Device device, ScalarType dtype = ScalarType.Float32)
    {
        string cfgPath = Path.Combine(dir, CfgFile), weightsPath = Path.Combine(dir, WeightsFile);
        foreach (var file in new[] { cfgPath, weightsPath })
            if (!File.Exists(file)) throw new PipelineException($"{dir} is not an SAE folder in SAELens layout: missing {Path.GetFileName(file)}", file);
        var cfg = SaeLensConfigReader.Read(cfgPath);
        var tensors = Safetensors.Load(weightsPath);
        try
        {
            return (Build(cfg, new TensorSet(tensors, weightsPath, device, dtype), cfgPath), cfg);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    static SparseAutoencoder Build(JsonObject cfg, TensorSet t, string cfgPath)
    {
        string architecture = Value<string>(cfg, "architecture", cfgPath);
        int dIn = Value<int>(cfg, "d_in", cfgPath), dSae = Value<int>(cfg, "d_sae", cfgPath);
        bool applyBDec = cfg["apply_b_dec_to_input"]?.GetValue<bool>() ?? true;
        string normalization = cfg["normalize_activations"]?.GetValue<string>() ?? "none";
        if (normalization != "none")
            throw new PipelineException(
                $"{cfgPath}: normalize_activations '{normalization}' needs a run-time input transform that the folder does not carry; " +
                "fold it into the weights first (SAELens: sae.fold_activation_norm_scaling_factor(...), then save_model) and set it to \"none\"", cfgPath);
        // A TopK field: SAELens drops it from any other architecture's config, and so do we.
        bool rescale = architecture == "topk" && cfg["rescale_acts_by_decoder_norm"]?.GetValue<bool>() == true;
        t.CheckScalingFactorIsOne(dSae);
        var wEnc = t.Take("W_enc", dIn, dSae);
        var wDec = t.Take("W_dec", dSae, dIn);
        var bDec = t.Take("b_dec", dIn);
        return architecture switch
        {
            "standard" => new ReluSae(wEnc, t.Take("b_enc", dSae), wDec, bDec, applyBDecToInput: applyBDec),
            "topk" => rescale
                ? FoldedDecoderNorms(wEnc, t.Take("b_enc", dSae), wDec, bDec, Value<int>(cfg, "k", cfgPath), applyBDec, cfgPath)
                : new TopKSae(wEnc, t.Take("b_enc", dSae), wDec, bDec, Value<int>(cfg, "k", cfgPath), applyBDec),
            "jumprelu" => new JumpReluSae(wEnc, t.Take("b_enc", dSae), wDec, bDec, t.Take("threshold", dSae), applyBDec),
            "gated" => new GatedSae(wEnc, t.Take("b_gate", dSae), t.Take("r_mag", dSae), t.Take("b_mag", dSae), wDec, bDec, applyBDec),
            _ => throw new PipelineException($"{cfgPath}: architecture '{architecture}' is not supported (standard, topk, jumprelu, gated)", cfgPath),
        };
    }

    /// <summary>
    /// SAELens's TopK with <c>rescale_acts_by_decoder_norm</c> (its training default since 6.x, and still set in the
    /// cfg.json it saves after folding) selects on pre·‖W_dec,i‖ and divides by ‖W_dec,i‖ before decoding. That is a
    /// plain TopK SAE with the norms folded in: W_enc and b_enc times ‖W_dec,i‖, W_dec rows divided by it; the latents are
    /// SAELens's own. A file SAELens folded on save has unit rows, and the fold changes nothing.
    /// </summary>
    static TopKSae FoldedDecoderNorms(Tensor wEnc, Tensor bEnc, Tensor wDec, Tensor bDec, int k, bool applyBDec, string cfgPath)
    {
        using var scope = NewDisposeScope();
        var norms = wDec.norm(1);
        long zero = norms.eq(0).sum().item<long>();
        if (zero > 0)
            throw new PipelineException($"{cfgPath}: rescale_acts_by_decoder_norm is true but {zero} decoder rows are zero, so SAELens would divide by 0 for them", cfgPath);
        // The SAE's constructor takes the new tensors out of this scope; the unfolded ones are done with.
        var sae = new TopKSae(wEnc * norms, bEnc * norms, wDec / norms.unsqueeze(1), bDec, k, applyBDec);
        foreach (var unfolded in new[] { wEnc, bEnc, wDec }) unfolded.Dispose();
        return sae;
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

    /// <summary>The tensors of one file, taken by name with their expected shape, converted to <paramref name="dtype"/> on the device.</summary>
    public sealed class TensorSet(IReadOnlyDictionary<string, Tensor> tensors, string path, Device device, ScalarType dtype = ScalarType.Float32)
    {
        public Tensor Take(string name, params long[] shape)
        {
            if (!tensors.TryGetValue(name, out var t))
                throw new PipelineException($"{path}: missing tensor '{name}' (has: {string.Join(", ", tensors.Keys.Order())})", path);
            if (!t.shape.SequenceEqual(shape))
                throw new PipelineException($"{path}: tensor '{name}' has shape [{string.Join(", ", t.shape)}], expected [{string.Join(", ", shape)}] from the config", path);
            if (!t.is_floating_point())
                throw new PipelineException($"{path}: tensor '{name}' is {t.dtype}, expected a float type", path);
            return t.to(dtype).to(device);
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
