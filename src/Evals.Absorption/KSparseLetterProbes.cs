using SaePipeline.Config;
using SaePipeline.Probes;
using static TorchSharp.torch;

namespace SaePipeline.Evals.Absorption;

/// <summary>A probe on k of an SAE's latents: score = Σ_j w_j·f[latent_j] + b, the letter predicted when it is above 0.</summary>
public sealed record KSparseProbe(int[] Latents, double[] Weights, double Bias)
{
    public double Score(ReadOnlySpan<float> latents)
    {
        double sum = Bias;
        for (int j = 0; j < Latents.Length; j++) sum += Weights[j] * latents[Latents[j]];
        return sum;
    }
}

/// <summary>
/// SAEBench's k-sparse probing of an SAE for each letter (<c>train_k_sparse_probes</c>): one L1-penalised 26-way
/// probe on the latents ranks them; for each letter and k = 1 … max_k, the k latents with the largest (signed: only
/// latents that predict the letter, not its absence) weights get sklearn's balanced L2 logistic regression on the
/// train words. <see cref="Probes"/>[letter][k − 1] is null for a letter without both classes among the train words.
/// </summary>
public sealed record KSparseLetterProbes(KSparseProbe?[][] Probes)
{
    /// <param name="latents">[n, d_sae] float32: the SAE's encoding of the train words' activations.</param>
    public static KSparseLetterProbes Train(Tensor latents, int[] letters, AbsorptionConfig s, long seed)
    {
        using var scope = NewDisposeScope();
        int n = (int)latents.shape[0];
        var ranking = LetterProbe.Train(latents, letters, 26,
            new MultiProbeSettings(s.KSparseProbeNumEpochs, s.KSparseProbeBatchSize, Lr: 0.01, WeightDecay: 1e-6, L1Decay: s.KSparseProbeL1Decay),
            seed, "absorption-k-sparse");
        var probes = new KSparseProbe?[26][];
        for (int c = 0; c < 26; c++)
        {
            probes[c] = new KSparseProbe?[s.MaxKValue];
            var labels = letters.Select(l => l == c ? 1f : 0f).ToArray();
            int positives = letters.Count(l => l == c);
            if (positives == 0 || positives == n) continue;
            var order = TopLatents(ranking, c, s.MaxKValue);
            for (int k = 1; k <= order.Length; k++)
            {
                var ids = order[..k];
                using var columns = latents.index_select(1, tensor(ids.Select(i => (long)i).ToArray(), device: latents.device)).cpu().contiguous();
                var fit = L2LogisticRegression.Fit(columns.data<float>().ToArray(), n, k, labels, balanced: true);
                probes[c][k - 1] = new KSparseProbe(ids, fit.Weights, fit.Intercept);
            }
        }
        return new KSparseLetterProbes(probes);
    }

    /// <summary>The <paramref name="k"/> latents of largest weight for letter <paramref name="c"/>, ties to the lower index.</summary>
    static int[] TopLatents(LinearMultiProbe ranking, int c, int k)
    {
        var w = ranking.Weights.AsSpan(c * ranking.Dim, ranking.Dim).ToArray();
        return Enumerable.Range(0, ranking.Dim).OrderByDescending(i => w[i]).ThenBy(i => i).Take(Math.Min(k, ranking.Dim)).ToArray();
    }
}
