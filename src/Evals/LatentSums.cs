using SaePipeline.Activations;
using SaePipeline.Activations.Labelled;
using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Evals;

/// <summary>
/// The one SAE-dependent pass of SCR and TPP: per text, S = Σ_t f(x_t) over its real tokens (BOS/EOS/PAD left out),
/// row-major [texts, d_sae], and its number of real tokens. Everything SCR and TPP compute from the SAE follows from
/// these sums, f(0), W_dec and the pooled activations (see <see cref="AblatedLogits"/>), so an SAE is encoded once
/// per cached token, whatever the number of seeds, pairs and N.
/// </summary>
public sealed record LatentSums(float[] Sums, int DSae, int[] ValidTokens)
{
    public int Rows => ValidTokens.Length;

    public ReadOnlySpan<float> Row(int row) => Sums.AsSpan(row * DSae, DSae);

    /// <summary>
    /// Each text's mean latent vector over its real tokens (a text with none pools to zeros): SAEBench's pooled SAE
    /// features for sparse probing, where latents at BOS/EOS/PAD are zeroed before the mean (no padding leak there).
    /// </summary>
    public PooledRows Means()
    {
        var values = new float[Sums.Length];
        for (int row = 0; row < Rows; row++)
        {
            float n = Math.Max(1, ValidTokens[row]);
            var source = Row(row);
            var target = values.AsSpan(row * DSae, DSae);
            for (int f = 0; f < DSae; f++) target[f] = source[f] / n;
        }
        return new PooledRows(values, DSae, ValidTokens);
    }

    /// <param name="rows">The split's texts (doc numbers) in the order of the pooled arrays.</param>
    /// <param name="encoded">Called after each chunk with the number of cached positions it held.</param>
    public static LatentSums Compute(SparseAutoencoder sae, ActivationCache cache, string split, IReadOnlyList<int> rows, Device device,
                                     Action<int>? encoded = null)
    {
        using var sums = zeros([rows.Count, sae.DSae], float32, device);
        var valid = new int[rows.Count];
        LabelledTokens.ForEachChunk(cache, split, rows, chunk =>
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var x = RowTensors.FromRows(chunk.Acts, chunk.Count, cache.DIn).to(device);
            var mask = tensor(chunk.Valid.AsSpan(0, chunk.Count).ToArray(), [chunk.Count, 1]).to(device);
            var index = tensor(chunk.Row.AsSpan(0, chunk.Count).ToArray()).to(int64).to(device);
            sums.index_add_(0, index, sae.Encode(x.to(sae.Dtype)).to(float32).mul_(mask), 1);   // the SAE in its dtype, the sums in float32
            for (int t = 0; t < chunk.Count; t++)
                if (chunk.Valid[t] != 0) valid[chunk.Row[t]]++;
            encoded?.Invoke(chunk.Count);
        });
        using var cpu = sums.cpu();
        return new LatentSums(cpu.data<float>().ToArray(), sae.DSae, valid);
    }
}

/// <summary>What the SCR/TPP arithmetic needs of an SAE, as plain arrays: W_dec [d_sae, d_in] and f(0), its code of the zero vector.</summary>
public sealed record SaeDecoder(float[] WDec, int DSae, int DIn, float[] ZeroCode)
{
    public static SaeDecoder From(SparseAutoencoder sae)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var zero = sae.Encode(zeros([1, sae.DIn], sae.Dtype, sae.W_dec.device));
        return new SaeDecoder(sae.W_dec.detach().to(float32).cpu().contiguous().data<float>().ToArray(), sae.DSae, sae.DIn,
                              zero.to(float32).cpu().contiguous().data<float>().ToArray());
    }

    /// <summary>g_i = W_dec[i] · w: how much a unit of latent i moves the probe's logit (SAEBench's "probe attribution").</summary>
    public double[] Attribution(LinearProbe probe)
    {
        var g = new double[DSae];
        for (int i = 0; i < DSae; i++)
        {
            var row = WDec.AsSpan(i * DIn, DIn);
            double sum = 0;
            for (int d = 0; d < DIn; d++) sum += (double)row[d] * probe.Weight[d];
            g[i] = sum;
        }
        return g;
    }
}
