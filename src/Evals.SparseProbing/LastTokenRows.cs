using SaePipeline.Activations;
using SaePipeline.Activations.Labelled;
using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Evals.SparseProbing;

/// <summary>
/// Each text's activation at its last real token (BOS/EOS/PAD skipped), row-major [texts, d_model], and the SAE's
/// latents there, [texts, d_sae]: what sae-probes probes (a causal model's last token has read the whole text).
/// </summary>
public sealed record LastTokenRows(float[] Acts, int DModel, float[] Latents, int DSae)
{
    public int Rows => Acts.Length / DModel;

    /// <param name="rows">The split's texts (doc numbers), in the order of the result's rows.</param>
    public static LastTokenRows Compute(SparseAutoencoder sae, ActivationCache cache, string split, IReadOnlyList<int> rows, Device device)
    {
        int d = cache.DIn;
        var acts = new float[rows.Count * d];
        var seen = new bool[rows.Count];
        // A text's tokens arrive in position order, so the last real one written is its last.
        LabelledTokens.ForEachChunk(cache, split, rows, chunk =>
        {
            for (int t = 0; t < chunk.Count; t++)
            {
                if (chunk.Valid[t] == 0) continue;
                chunk.Acts.AsSpan(t * d, d).CopyTo(acts.AsSpan(chunk.Row[t] * d, d));
                seen[chunk.Row[t]] = true;
            }
        });
        int empty = Array.IndexOf(seen, false);
        if (empty >= 0) throw new Runtime.PipelineException($"{cache.Dir}: text {rows[empty]} of the {split} split has no real token", cache.Dir);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var latents = new float[rows.Count * sae.DSae];
        for (int start = 0; start < rows.Count; start += 4096)
        {
            int n = Math.Min(4096, rows.Count - start);
            var x = tensor(acts.AsSpan(start * d, n * d).ToArray(), [n, d]).to(device).to(sae.Dtype);
            sae.Encode(x).to(float32).cpu().contiguous().data<float>().CopyTo(latents.AsSpan(start * sae.DSae, n * sae.DSae));
        }
        return new LastTokenRows(acts, d, latents, sae.DSae);
    }
}
