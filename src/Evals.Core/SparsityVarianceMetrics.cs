using static TorchSharp.torch;

namespace SaePipeline.Evals.Core;

/// <summary>
/// What SAEBench's sparsity/variance pass reports (get_sparsity_and_variance_metrics, docs/saebench.md §1.4, §1.5), plus a
/// correct FVU beside it. "Pooled" means the mean over every kept token of every batch: SAEBench concatenates the
/// per-token values of all batches and averages once. NaN stays NaN here; SAEBench writes it as −1 at the very end.
/// </summary>
/// <param name="Batches">Calls of <see cref="SparsityVarianceMetrics.AddBatch"/>.</param>
/// <param name="Prompts">Rows (prompts) seen, masked positions or not.</param>
/// <param name="Positions">Positions seen, special tokens included (what SAEBench's token_stats count).</param>
/// <param name="Tokens">Kept positions (not BOS/EOS/PAD): the denominator of every pooled mean and of the densities.</param>
/// <param name="L2NormIn">Pooled ‖x_t‖ (shrinkage/l2_norm_in).</param>
/// <param name="L2NormOut">Pooled ‖x̂_t‖ (shrinkage/l2_norm_out).</param>
/// <param name="L2Ratio">Pooled ‖x̂_t‖ / ‖x_t‖, the denominator set to 1 where |‖x_t‖| &lt; 1e-4 (shrinkage/l2_ratio).</param>
/// <param name="RelativeReconstructionBias">
/// Mean over batches of mean_t ‖x̂_t‖² / mean_t x_t·x̂_t (Gated SAE paper, eq. 10), unweighted by the batch's token count
/// (shrinkage/relative_reconstruction_bias).
/// </param>
/// <param name="L0">Pooled #{i : f_t,i ≠ 0} (sparsity/l0).</param>
/// <param name="L1">Pooled Σ_i f_t,i, a signed sum without abs (sparsity/l1).</param>
/// <param name="ExplainedVariance">
/// SAEBench's "new" formula as coded (reconstruction_quality/explained_variance): 1 − R / (M − s²) with
/// R = mean_b mean_t ‖x_t − x̂_t‖², M = mean_b mean_t ‖x_t‖² and s = mean over batches and dimensions of mean_t x_t,d²
/// (= M / d_in). s was meant to be E[x_d], so the denominator is the second moment about zero and the value is inflated.
/// </param>
/// <param name="ExplainedVarianceLegacy">
/// Pooled 1 − ‖x_t − x̂_t‖² / ‖x_t − μ_b‖², μ_b the mean of x over the kept tokens of t's batch
/// (reconstruction_quality/explained_variance_legacy; what the paper, Neuronpedia and the 0125 results report).
/// </param>
/// <param name="Mse">
/// Pooled ‖x_t − x̂_t‖² / N_b with N_b the kept tokens of t's batch (reconstruction_quality/mse): SAEBench divides a
/// per-token error by the batch's token count, so this is about <see cref="SsePerToken"/> / N_b and depends on the batch size.
/// </param>
/// <param name="Cossim">Pooled cos(x_t, x̂_t); a token with ‖x_t‖ = 0 or ‖x̂_t‖ = 0 gives NaN and so does the mean (reconstruction_quality/cossim).</param>
/// <param name="CossimUndefinedTokens">Kept tokens whose cossim is NaN, to tell why <see cref="Cossim"/> is NaN (not a SAEBench output).</param>
/// <param name="SsePerToken">Pooled ‖x_t − x̂_t‖², the per-token squared error SAEBench's mse should have been (not a SAEBench output).</param>
/// <param name="Fvu">
/// Correct fraction of variance unexplained, Σ_t ‖x_t − x̂_t‖² / Σ_t ‖x_t − x̄‖² over all kept tokens, x̄ their mean
/// (not a SAEBench output; 1 − Fvu is the explained variance SAEBench's formulas approximate).
/// </param>
/// <param name="FeatureDensity">Per latent: kept tokens with f_i &gt; 0 over <see cref="Tokens"/> (strictly positive, not ≠ 0).</param>
/// <param name="ConsistentActivationHeuristic">
/// Per latent: kept tokens with f_i &gt; 0 over prompts in which f_i &gt; 0 at some kept token; NaN for a latent that never fires.
/// </param>
public sealed record SparsityVarianceResult(
    int Batches,
    long Prompts,
    long Positions,
    long Tokens,
    double L2NormIn,
    double L2NormOut,
    double L2Ratio,
    double RelativeReconstructionBias,
    double L0,
    double L1,
    double ExplainedVariance,
    double ExplainedVarianceLegacy,
    double Mse,
    double Cossim,
    long CossimUndefinedTokens,
    double SsePerToken,
    double Fvu,
    double[] FeatureDensity,
    double[] ConsistentActivationHeuristic);

/// <summary>
/// Accumulates SAEBench's sparsity/variance pass one batch at a time, in float64, holding O(d_in + d_sae) numbers
/// whatever the number of tokens. Everything SAEBench keeps per token and averages at the end is a sum here; what it
/// keeps per batch (the explained_variance means, RRB) is a per-batch value summed here.
/// <para>
/// Per-token quantities are computed in float64 from x and x̂; l0 and l1 are reduced over d_sae in float32 (float64
/// for a float64 f), as SAEBench does; a float64 reduction would copy a [B·T, d_sae] tensor. A batch with no kept
/// token adds nothing to the pooled means but, as in SAEBench (a mean over an empty tensor), makes
/// <see cref="SparsityVarianceResult.ExplainedVariance"/> and <see cref="SparsityVarianceResult.RelativeReconstructionBias"/> NaN.
/// </para>
/// </summary>
public sealed class SparsityVarianceMetrics
{
    readonly int dIn;
    readonly int dSae;

    int batches;
    long prompts, positions, tokens, cossimUndefined;
    double sumL2In, sumL2Out, sumL2Ratio, sumL0, sumL1, sumSse, sumCossim, sumEvLegacy;
    double sumMse;               // Σ_b Σ_t SSE_t / N_b
    double sumBatchMeanSse;      // Σ_b mean_t SSE_t           (explained_variance's R, before the mean over batches)
    double sumBatchMeanSquares;  // Σ_b mean_t ‖x_t‖²          (explained_variance's M, before the mean over batches)
    double sumBatchRrb;          // Σ_b relative_reconstruction_bias_b

    // Chan et al.'s pairwise update of the per-dimension mean and sum of squared deviations, for the correct FVU.
    readonly double[] mean;
    readonly double[] m2;

    readonly long[] firingTokens;
    readonly long[] firingPrompts;

    public SparsityVarianceMetrics(int dIn, int dSae)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dIn, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dSae, 1);
        this.dIn = dIn;
        this.dSae = dSae;
        mean = new double[dIn];
        m2 = new double[dIn];
        firingTokens = new long[dSae];
        firingPrompts = new long[dSae];
    }

    /// <param name="x">SAE inputs [B, T, d_in].</param>
    /// <param name="xHat">Reconstructions decode(encode(x)) [B, T, d_in].</param>
    /// <param name="f">Latents encode(x) [B, T, d_sae].</param>
    /// <param name="keep">[B, T] bool: false at BOS/EOS/PAD positions, which SAEBench drops from every statistic.</param>
    public void AddBatch(Tensor x, Tensor xHat, Tensor f, Tensor keep)
    {
        CheckShapes(x, xHat, f, keep);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1];
        var device = x.device;
        var keepBt = keep.to(device);
        var kept = keepBt.reshape(-1).nonzero().flatten();
        long n = kept.shape[0];

        var xs = x.detach().reshape(-1, dIn).index_select(0, kept).to(float64);
        var xh = xHat.detach().to(device).reshape(-1, dIn).index_select(0, kept).to(float64);

        var normIn = xs.norm(dim: 1, keepdim: false);
        var normOut = xh.norm(dim: 1, keepdim: false);
        var ratio = normOut / normIn.masked_fill(normIn.abs().lt(1e-4), 1.0);
        var sse = (xs - xh).square().sum(dim: 1);
        var xDotXHat = (xs * xh).sum(dim: 1);
        // x/‖x‖ · x̂/‖x̂‖, each normalised first as SAEBench does: 0/0 = NaN for a zero vector, no epsilon.
        var cossim = (xs / normIn.unsqueeze(1) * (xh / normOut.unsqueeze(1))).sum(dim: 1);
        var batchMean = xs.mean([0]);
        var centred = xs - batchMean;
        var evLegacy = 1 - sse / centred.square().sum(dim: 1);
        var batchM2 = centred.square().sum(dim: 0);

        // The [B, T, d_sae] work. Reductions of bool tensors are slow on CPU (about 1.2 s each at 16×128×65k on two
        // cores); the indicators are therefore made float32, whose sums of at most B·T ones are exact, and each
        // temporary is freed as soon as it is reduced.
        // A bf16 f is summed in float32 (its own sums would round counts above 256).
        var fDev = f.detach().to(device);
        var fFlat = fDev.reshape(-1, dSae);
        var sumType = fDev.dtype == float64 ? float64 : float32;
        Tensor l0, perPrompt;
        using (NewDisposeScope())
            l0 = fFlat.ne(0).to(sumType).sum(dim: 1).index_select(0, kept).to(float64).MoveToOuterDisposeScope();
        var l1 = fFlat.sum(dim: 1, type: sumType).index_select(0, kept).to(float64);
        // Density counts: f > 0 at kept positions (masked ones zeroed, as SAEBench's f * mask), per prompt (row).
        using (NewDisposeScope())
            perPrompt = (fDev * keepBt.to(sumType).unsqueeze(-1)).gt_(0).sum(dim: 1).MoveToOuterDisposeScope();   // [B, d_sae]

        var sums = stack([
            normIn.sum(), normOut.sum(), ratio.sum(), l0.sum(), l1.sum(), sse.sum(), cossim.sum(), evLegacy.sum(),
            xs.square().sum(), normOut.square().sum(), xDotXHat.sum(), cossim.isnan().sum().to(float64),
        ]).cpu().data<double>().ToArray();

        var tokenCounts = perPrompt.sum(dim: 0).to(int64).cpu().data<long>().ToArray();
        var promptCounts = perPrompt.gt(0).sum(dim: 0).cpu().data<long>().ToArray();

        batches++;
        prompts += b;
        positions += b * t;
        tokens += n;
        for (int i = 0; i < dSae; i++)
        {
            firingTokens[i] += tokenCounts[i];
            firingPrompts[i] += promptCounts[i];
        }

        sumL2In += sums[0];
        sumL2Out += sums[1];
        sumL2Ratio += sums[2];
        sumL0 += sums[3];
        sumL1 += sums[4];
        sumSse += sums[5];
        sumCossim += sums[6];
        sumEvLegacy += sums[7];
        cossimUndefined += (long)sums[11];

        // Per-batch means: over an empty batch they are 0/0 = NaN, as torch's mean of an empty tensor.
        double batchMeanSse = sums[5] / n, batchMeanSquares = sums[8] / n;
        sumBatchMeanSse += batchMeanSse;
        sumBatchMeanSquares += batchMeanSquares;
        sumBatchRrb += sums[9] / n / (sums[10] / n);
        if (n == 0) return;   // mse's per-token values of an empty batch: none
        sumMse += batchMeanSse;

        var batchMeanCpu = batchMean.cpu().data<double>().ToArray();
        var batchM2Cpu = batchM2.cpu().data<double>().ToArray();
        long before = tokens - n;
        double weight = (double)n / tokens, cross = (double)before * n / tokens;
        for (int d = 0; d < dIn; d++)
        {
            double delta = batchMeanCpu[d] - mean[d];
            mean[d] += delta * weight;
            m2[d] += batchM2Cpu[d] + delta * delta * cross;
        }
    }

    public SparsityVarianceResult Result()
    {
        double Pooled(double sum) => sum / tokens;
        double meanSquares = sumBatchMeanSquares / batches;
        // SAEBench's "mean activation per dimension": torch.cat of per-batch [d_in] means of x², averaged over all of
        // them, i.e. M / d_in; it is squared where E[x_d]² was meant.
        double s = meanSquares / dIn;
        var density = new double[dSae];
        var consistency = new double[dSae];
        for (int i = 0; i < dSae; i++)
        {
            density[i] = (double)firingTokens[i] / tokens;
            consistency[i] = (double)firingTokens[i] / firingPrompts[i];   // 0/0 = NaN for a latent that never fired
        }
        return new SparsityVarianceResult(
            Batches: batches,
            Prompts: prompts,
            Positions: positions,
            Tokens: tokens,
            L2NormIn: Pooled(sumL2In),
            L2NormOut: Pooled(sumL2Out),
            L2Ratio: Pooled(sumL2Ratio),
            RelativeReconstructionBias: sumBatchRrb / batches,
            L0: Pooled(sumL0),
            L1: Pooled(sumL1),
            ExplainedVariance: 1 - sumBatchMeanSse / batches / (meanSquares - s * s),
            ExplainedVarianceLegacy: Pooled(sumEvLegacy),
            Mse: Pooled(sumMse),
            Cossim: Pooled(sumCossim),
            CossimUndefinedTokens: cossimUndefined,
            SsePerToken: Pooled(sumSse),
            Fvu: sumSse / m2.Sum(),
            FeatureDensity: density,
            ConsistentActivationHeuristic: consistency);
    }

    void CheckShapes(Tensor x, Tensor xHat, Tensor f, Tensor keep)
    {
        static string Shape(Tensor t) => string.Join(",", t.shape);
        if (x.ndim != 3 || x.shape[2] != dIn)
            throw new ArgumentException($"x has shape [{Shape(x)}], expected [B, T, {dIn}]");
        if (!xHat.shape.SequenceEqual(x.shape))
            throw new ArgumentException($"xHat has shape [{Shape(xHat)}], expected that of x [{Shape(x)}]");
        if (f.ndim != 3 || f.shape[0] != x.shape[0] || f.shape[1] != x.shape[1] || f.shape[2] != dSae)
            throw new ArgumentException($"f has shape [{Shape(f)}], expected [{x.shape[0]}, {x.shape[1]}, {dSae}]");
        if (keep.ndim != 2 || keep.shape[0] != x.shape[0] || keep.shape[1] != x.shape[1] || keep.dtype != ScalarType.Bool)
            throw new ArgumentException($"keep has shape [{Shape(keep)}] and dtype {keep.dtype}, expected bool [{x.shape[0]}, {x.shape[1]}]");
        if (!x.is_floating_point() || !xHat.is_floating_point() || !f.is_floating_point())
            throw new ArgumentException("x, xHat and f must be floating point");
    }
}
