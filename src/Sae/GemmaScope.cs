using System.IO.Compression;
using System.Text.Json.Nodes;
using SaePipeline.Formats;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// Gemma Scope's release format (docs/sae-training.md §2.2): <c>params.npz</c>, a zip of .npy arrays W_enc [d_in, d_sae],
/// W_dec [d_sae, d_in], b_enc, b_dec, threshold (a <c>w_</c> prefix is read as <c>W_</c>). They are JumpReLU SAEs
/// that do not subtract b_dec from the input and take raw activations, so the config SAELens synthesises for them is
/// architecture jumprelu, apply_b_dec_to_input false, no normalisation; we write the same.
/// </summary>
public static class GemmaScope
{
    public const string FileName = "params.npz";

    /// <summary>A folder holding params.npz, or the file itself.</summary>
    public static bool IsGemmaScope(string path) =>
        path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase) ? File.Exists(path) : File.Exists(Path.Combine(path, FileName));

    public static (SparseAutoencoder Sae, JsonObject Cfg) Load(string path, Device device)
    {
        string file = path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase) ? path : Path.Combine(path, FileName);
        if (!File.Exists(file)) throw new PipelineException($"no Gemma Scope {FileName} at {path}", path);
        var tensors = new Dictionary<string, Tensor>();
        try
        {
            using (var zip = OpenZip(file))
                foreach (var entry in zip.Entries.Where(e => e.Name.EndsWith(".npy", StringComparison.Ordinal)))
                {
                    string name = Path.GetFileNameWithoutExtension(entry.Name);
                    if (name.StartsWith("w_", StringComparison.Ordinal)) name = "W_" + name[2..];
                    using var stream = entry.Open();
                    tensors[name] = Npy.Read(stream, entry.Length, $"{file}:{entry.FullName}");
                }
            var wEnc = tensors.GetValueOrDefault("W_enc") ?? throw new PipelineException(
                $"{file}: missing array 'W_enc' (has: {string.Join(", ", tensors.Keys.Order())})", file);
            if (wEnc.ndim != 2) throw new PipelineException($"{file}: W_enc has shape [{string.Join(", ", wEnc.shape)}], expected [d_in, d_sae]", file);
            int dIn = (int)wEnc.shape[0], dSae = (int)wEnc.shape[1];
            var t = new SaeLensFormat.TensorSet(tensors, file, device);
            var sae = new JumpReluSae(t.Take("W_enc", dIn, dSae), t.Take("b_enc", dSae), t.Take("W_dec", dSae, dIn), t.Take("b_dec", dIn),
                                      t.Take("threshold", dSae), applyBDecToInput: false);
            var cfg = new JsonObject
            {
                ["architecture"] = "jumprelu", ["d_in"] = dIn, ["d_sae"] = dSae, ["dtype"] = "float32", ["device"] = "cpu",
                ["apply_b_dec_to_input"] = false, ["normalize_activations"] = "none", ["reshape_activations"] = "none",
                ["metadata"] = new JsonObject { ["converted_from"] = "gemma_scope params.npz" },
            };
            return (sae, cfg);
        }
        finally
        {
            foreach (var x in tensors.Values) x.Dispose();
        }
    }

    static ZipArchive OpenZip(string file)
    {
        try
        {
            return ZipFile.OpenRead(file);
        }
        catch (InvalidDataException e)
        {
            throw new PipelineException($"{file}: not a readable .npz (zip) file ({e.Message})", file, e);
        }
    }
}
