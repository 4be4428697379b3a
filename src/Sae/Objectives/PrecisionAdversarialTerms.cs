using SaePipeline.Config;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// The constants of the precision-targeted adversarial objective, with the defaults of its proposal (issue 8).
/// </summary>
/// <param name="AblatedLatents">N: how many of the SAE's current top gender latents are ablated for the adversarial term.</param>
/// <param name="ConfidenceThreshold">The preservation loss counts an example only while the profession probe's
/// probability of its true class is below this (examples it already gets right with confidence are left alone).</param>
/// <param name="LambdaScale">a in λ(t) = a·(A_gender − 1[A_prof &lt; τ]·A_prof).</param>
/// <param name="LambdaMax">λ(t) is clamped to [0, LambdaMax].</param>
/// <param name="ProfessionFloor">τ: below this profession accuracy the pressure eases by A_prof.</param>
/// <param name="PreservationWeight">μ, the weight of the masked preservation loss.</param>
public sealed record PrecisionAdversarialSettings(
    int AblatedLatents = 20, double ConfidenceThreshold = 0.8, double LambdaScale = 0.2, double LambdaMax = 0.3,
    double ProfessionFloor = 0.8, double PreservationWeight = 1.0)
{
    public static PrecisionAdversarialSettings From(PrecisionAdversarialConfig c) =>
        new(c.AblatedLatents, c.ConfidenceThreshold, c.LambdaScale, c.LambdaMax, c.ProfessionFloor, c.PreservationWeight);
}

/// <summary>
/// The terms of the precision-targeted adversarial SAE (issue 8, part A), each a function of tensors so it can be
/// tested alone. The frozen probes are SCR's: the gender probe (spurious) and the profession probe (to preserve), read
/// on texts mean-pooled over their real tokens, as the probes were trained. Total loss:
/// <code>L = reconstruction + sparsity + λ(t)·L_adv + μ·L_preserve</code>
/// <list type="bullet">
/// <item>L_adv: after zeroing the SAE's current top-N gender latents, the gender probe's confidence on the pooled
///   reconstructions should be at chance; per text KL(Bernoulli(σ(z)) ‖ Bernoulli(½)) = ln 2 − H(σ(z)), averaged. It is 0
///   exactly at chance and ln 2 for a certain probe, and its gradient pushes z towards 0 from either side.</item>
/// <item>L_preserve: the profession probe's BCE on the pooled reconstructions, averaged over the texts whose true
///   class it gives probability below the confidence threshold (0 when there are none).</item>
/// <item>λ(t) = clamp(a·(A_gender − 1[A_prof &lt; τ]·A_prof), 0, λ_max), from the frozen probes' accuracies on
///   reconstructions of held-out probe texts, measured every K steps: pressure rises while gender is decodable and
///   eases when profession accuracy falls below τ.</item>
/// </list>
/// </summary>
public static class PrecisionAdversarialTerms
{
    public static double Lambda(double genderAccuracy, double professionAccuracy, PrecisionAdversarialSettings s)
    {
        double raw = s.LambdaScale * (genderAccuracy - (professionAccuracy < s.ProfessionFloor ? professionAccuracy : 0));
        return Math.Clamp(raw, 0, s.LambdaMax);
    }

    /// <summary>[E] bool: the probe gives the example's true class (labels 1/0) a probability below <paramref name="threshold"/>.</summary>
    public static Tensor ConfidenceMask(Tensor logits, Tensor labels, double threshold)
    {
        using var scope = NewDisposeScope();
        var pTrue = where(labels.gt(0.5), logits.sigmoid(), 1 - logits.sigmoid());
        return pTrue.lt(threshold).MoveToOuterDisposeScope();
    }

    /// <summary>Mean BCE over the examples of <see cref="ConfidenceMask"/>; 0 (with a gradient of 0) when none is masked in.</summary>
    public static Tensor MaskedPreservationLoss(Tensor logits, Tensor labels, double threshold)
    {
        using var scope = NewDisposeScope();
        var mask = ConfidenceMask(logits.detach(), labels, threshold).to(logits.dtype);
        var bce = nn.functional.binary_cross_entropy_with_logits(logits, labels.to(logits.dtype), reduction: nn.Reduction.None);
        return ((bce * mask).sum() / mask.sum().clamp_min(1)).MoveToOuterDisposeScope();
    }

    /// <summary>mean_e [ln 2 − H(σ(z_e))]: the probe's confidence above chance, in nats.</summary>
    public static Tensor AdversarialLoss(Tensor logits)
    {
        using var scope = NewDisposeScope();
        // H(σ(z)) = softplus(z) − z·σ(z), stable for large |z|.
        var entropy = nn.functional.softplus(logits) - logits * logits.sigmoid();
        return (Math.Log(2) - entropy).mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Texts' mean-pooled reconstructions: per text, the mean over its real tokens of decode(f) with the latents in
    /// <paramref name="ablated"/> zeroed. <paramref name="latents"/> is f [N, d_sae] of the texts' real tokens,
    /// <paramref name="text"/> [N] int64 the text each token belongs to.
    /// </summary>
    public static Tensor PooledReconstruction(SparseAutoencoder sae, Tensor latents, Tensor text, int texts, IReadOnlyCollection<long> ablated)
    {
        using var scope = NewDisposeScope();
        var f = latents;
        if (ablated.Count > 0)
        {
            var keep = ones([sae.DSae], latents.dtype, latents.device);
            keep.index_fill_(0, tensor(ablated.ToArray(), device: latents.device), 0);
            f = latents * keep;
        }
        var xHat = sae.Decode(f);
        var sums = zeros([texts, sae.DIn], xHat.dtype, xHat.device).index_add(0, text, xHat, 1);
        var counts = zeros([texts], xHat.dtype, xHat.device).index_add(0, text, ones_like(text, xHat.dtype), 1).clamp_min(1);
        return (sums / counts.unsqueeze(1)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The N latents most tied to the gender probe, chosen as SCR chooses them (docs/saebench.md §2.7): effect =
    /// |mean pooled latents of gender-positive texts − of gender-negative texts| ⊙ |W_dec[i]·w_gender|, top N among non-zero
    /// effects. <paramref name="pooledLatents"/> [E, d_sae] (no gradient needed), <paramref name="genderLabels"/> [E] 1/0.
    /// </summary>
    public static long[] TopGenderLatents(Tensor pooledLatents, Tensor genderLabels, SparseAutoencoder sae, Tensor probeWeight, int n)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var positive = genderLabels.gt(0.5);
        var delta = pooledLatents[positive].mean([0]) - pooledLatents[positive.logical_not()].mean([0]);
        var effect = (delta * sae.W_dec.matmul(probeWeight.to(sae.W_dec.dtype))).abs();
        int k = (int)Math.Min(n, effect.gt(0).sum().item<long>());
        if (k == 0) return [];
        return effect.topk(k).indexes.cpu().data<long>().ToArray();
    }
}
