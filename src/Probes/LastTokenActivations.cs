using SaePipeline.Activations;
using SaePipeline.Activations.Labelled;
using SaePipeline.Runtime;

namespace SaePipeline.Probes;

/// <summary>
/// Each text's activation at its last real token (BOS/EOS/PAD skipped), row-major [texts, d_model]: what sae-probes
/// probes, since a causal model's last token has read the whole text.
/// </summary>
public static class LastTokenActivations
{
    /// <param name="rows">The split's texts (doc numbers), in the order of the result's rows.</param>
    public static float[] Compute(ActivationCache cache, string split, IReadOnlyList<int> rows)
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
        if (empty >= 0) throw new PipelineException($"{cache.Dir}: text {rows[empty]} of the {split} split has no real token", cache.Dir);
        return acts;
    }
}
