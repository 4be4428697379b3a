using SaePipeline.Config;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// batch_topk: Bussmann et al. (2024) as dictionary_learning's BatchTopKTrainer trains it. The batch of B tokens keeps
/// its k·B largest ReLU'd pre-activations, so L0 is k on average while each token gets what it needs; the loss is
/// TopK's (R + α·L_aux, b_dec from the geometric median). From threshold_start_step on, the inference threshold
/// tracks the smallest activation kept: θ ← m on the first update, then θ ← β·θ + (1 − β)·m, m the batch's smallest
/// positive kept activation (β = threshold_decay, 0.999).
/// </summary>
public sealed class BatchTopKObjective(SaeConfig config, BatchTopKSae sae) : SaeObjective(config)
{
    readonly int kAux = config.EffectiveAuxK(sae.DIn);

    public override SparseAutoencoder Sae => sae;
    public override bool UsesDeadLatents => Config.AuxkCoefficient > 0;

    public override void BeforeFirstStep(Tensor x)
    {
        using var noGrad = no_grad();
        sae.b_dec.copy_(GeometricMedian.Of(x));
    }

    public override ObjectiveOutput Forward(Tensor x, StepContext step)
    {
        var pre = sae.PreActivation(x, sae.b_enc);
        var f = BatchTopKSae.KeepBatchTopK(pre, sae.K);
        var xHat = sae.Decode(f);
        var (reconstruction, mse) = Reconstruction(x, xHat);
        var aux = UsesDeadLatents
            ? Config.AuxkCoefficient * AuxK.Loss(pre.relu(), (x - xHat).detach(), step.Dead, step.DeadCount, kAux, sae.W_dec)
            : Zero(mse);
        return new ObjectiveOutput(reconstruction + aux, f, xHat, mse, Zero(mse), aux);
    }

    public override void AfterStep(ObjectiveOutput output, long step)
    {
        if (step < Config.ThresholdStartStep) return;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var kept = output.Latents.detach();
        var positive = kept.gt(0);
        if (!positive.any().item<bool>()) return;
        var smallest = kept.masked_fill(positive.logical_not(), double.PositiveInfinity).min();
        if (sae.Threshold.item<float>() < 0) sae.Threshold.copy_(smallest);
        else sae.Threshold.mul_(Config.ThresholdDecay).add_(smallest * (1 - Config.ThresholdDecay));
    }
}
