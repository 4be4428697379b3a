using SaePipeline.Activations.Core;
using static TorchSharp.torch;

namespace SaePipeline.Evals.Core;

/// <summary>SAEBench's model_behavior_preservation and model_performance_preservation (docs/saebench.md §1.3).</summary>
public sealed record DownstreamResult(
    double KlDivWithSae, double KlDivWithAblation, double KlDivScore,
    double CeLossWithoutSae, double CeLossWithSae, double CeLossWithAblation, double CeLossScore,
    long KlTokens, long CeTokens);

/// <summary>
/// The reconstruction/downstream pass's statistics, pooled over batches: every kept position's KL and CE is summed and
/// the sums divided by the number of kept positions at the end, as SAEBench concatenates then averages (not a mean of
/// per-batch means). A position is kept when its <em>input</em> token is not BOS/EOS/PAD, for KL ([B, T]) and for CE
/// ([B, T−1], the mask's first T−1 columns), whatever exclude_special_tokens_from_reconstruction says.
/// </summary>
public sealed class DownstreamMetrics
{
    double klSae, klAblation, ceClean, ceSae, ceAblation;
    long klTokens, ceTokens;

    /// <param name="kept">[B, T] bool.</param>
    /// <param name="klSae">[B, T] KL(clean ‖ SAE spliced).</param>
    /// <param name="ceSae">[B, T−1] CE with the SAE spliced.</param>
    public void AddBatch(Tensor kept, Tensor klSae, Tensor ceSae, ReconReference reference)
    {
        using var scope = NewDisposeScope();
        var klMask = kept.to(ScalarType.Float64);
        var ceMask = kept[.., ..^1].to(ScalarType.Float64);
        double Sum(Tensor values, Tensor mask) => (values.to(ScalarType.Float64).to(mask.device) * mask).sum().item<double>();
        this.klSae += Sum(klSae, klMask);
        klAblation += Sum(reference.AblatedKl, klMask);
        this.ceSae += Sum(ceSae, ceMask);
        ceClean += Sum(reference.CleanLoss, ceMask);
        ceAblation += Sum(reference.AblatedLoss, ceMask);
        klTokens += (long)klMask.sum().item<double>();
        ceTokens += (long)ceMask.sum().item<double>();
    }

    public DownstreamResult Result()
    {
        double kl = klSae / klTokens, klAbl = klAblation / klTokens;
        double ce = ceSae / ceTokens, ceOrig = ceClean / ceTokens, ceAbl = ceAblation / ceTokens;
        return new DownstreamResult(
            KlDivWithSae: kl, KlDivWithAblation: klAbl, KlDivScore: (klAbl - kl) / klAbl,
            CeLossWithoutSae: ceOrig, CeLossWithSae: ce, CeLossWithAblation: ceAbl, CeLossScore: (ceAbl - ce) / (ceAbl - ceOrig),
            KlTokens: klTokens, CeTokens: ceTokens);
    }
}
