
namespace SaePipeline.Activations.Labelled;

/// <summary>
/// SAEBench's masked mean pooling (<c>create_meaned_model_activations</c>, docs/saebench.md §2.5): per text, the mean of
/// its activations over real tokens, BOS/EOS/PAD left out. Summed in float64 in token order and rounded once; SAEBench
/// sums in the model's dtype, so the two agree to float32 rounding (bf16 rounding on Gemma-2).
/// </summary>
public static class PooledActivations
{
    /// <param name="rows">The split's texts (doc numbers), in the order the result's rows follow.</param>
    /// <param name="emptyTexts">Texts with no real token: SAEBench's mean would be 0/0 = NaN and poison every probe;
    /// here they pool to zeros, and the caller says how many there were.</param>
    public static PooledRows Compute(ActivationCache cache, string split, IReadOnlyList<int> rows, out int emptyTexts)
    {
        int d = cache.DIn;
        var sums = new double[(long)rows.Count * d];
        var valid = new int[rows.Count];
        LabelledTokens.ForEachChunk(cache, split, rows, chunk =>
        {
            for (int t = 0; t < chunk.Count; t++)
            {
                if (chunk.Valid[t] == 0) continue;
                int row = chunk.Row[t];
                valid[row]++;
                var x = chunk.Acts.AsSpan(t * d, d);
                var sum = sums.AsSpan(row * d, d);
                for (int k = 0; k < d; k++) sum[k] += x[k];
            }
        });
        var pooled = new float[sums.Length];
        emptyTexts = 0;
        for (int row = 0; row < rows.Count; row++)
        {
            if (valid[row] == 0)
            {
                emptyTexts++;
                continue;
            }
            for (int k = 0; k < d; k++) pooled[row * d + k] = (float)(sums[row * d + k] / valid[row]);
        }
        return new PooledRows(pooled, d, valid);
    }
}
