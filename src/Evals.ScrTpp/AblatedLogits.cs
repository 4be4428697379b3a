using SaePipeline.Activations.Labelled;

namespace SaePipeline.Evals.ScrTpp;

/// <summary>
/// Probe accuracy on test texts after zero-ablating latents in the SAE basis with the error term kept (SAEBench
/// ablated_precomputed_activations, docs/saebench.md §2.8), computed in closed form.
/// <para>
/// SAEBench, per text padded to <c>context</c> positions with x_t = 0 at BOS/EOS/PAD: f_t = encode(x_t),
/// err_t = x_t − decode(f_t), f′_t = f_t with the ablated set A zeroed, x′_t = decode(f′_t) + err_t, and the pooled
/// input of the probe x̄′ = Σ_{all t} x′_t / n, n the number of real tokens. Since decode is affine,
/// x′_t = x_t − Σ_{i∈A} f_t,i · W_dec[i], so
/// <code>
///   x̄′ = x̄ − Σ_{i∈A} (S_i + m · f(0)_i) · W_dec[i] / n        logit′ = logit(x̄) − Σ_{i∈A} (S_i + m · f(0)_i) · g_i / n
/// </code>
/// with S = Σ over real tokens of f_t, m = context − n the padded and special positions, and g = W_dec·w. The m·f(0)
/// term is SAEBench's padding leak: encode(0) is not 0 for a ReLU SAE with a positive b_enc − b_dec·W_enc (or any
/// TopK SAE), so ablating a latent that fires on the zero vector shifts the pooled activation by what it decoded at
/// every padded position. It is kept by default (scr.padding_leak / tpp.padding_leak). The closed form needs one
/// encode per token per SAE, however many seeds, runs and N are scored; a test checks it against the per-token
/// computation above.
/// </para>
/// </summary>
public sealed class AblatedLogits(PooledRows pooled, LatentSums sums, SaeDecoder sae, int context, bool paddingLeak)
{
    /// <summary>The accuracy of <paramref name="probe"/> (attribution <paramref name="g"/>) on <paramref name="examples"/> with <paramref name="ablated"/> zeroed.</summary>
    public double Accuracy(LinearProbe probe, double[] g, ProbeExamples examples, IReadOnlyList<int> ablated)
    {
        int correct = 0;
        for (int e = 0; e < examples.Count; e++)
            if (Logit(probe, g, examples.Rows[e], ablated) > 0 == examples.Labels[e] > 0.5f) correct++;
        return (double)correct / examples.Count;
    }

    public double Logit(LinearProbe probe, double[] g, int row, IReadOnlyList<int> ablated)
    {
        double clean = probe.Logit(pooled.Row(row));
        int n = sums.ValidTokens[row];
        if (n == 0 || ablated.Count == 0) return clean;
        int padded = paddingLeak ? Math.Max(0, context - n) : 0;
        var s = sums.Row(row);
        double shift = 0;
        foreach (int i in ablated) shift += (s[i] + padded * (double)sae.ZeroCode[i]) * g[i];
        return clean - shift / n;
    }
}
