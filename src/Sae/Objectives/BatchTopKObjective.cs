using SaePipeline.Config;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// batch_topk: Bussmann et al. (2024), "BatchTopK Sparse Autoencoders", as dictionary_learning's BatchTopKTrainer trains
/// it. The batch of B tokens keeps its k·B largest ReLU'd pre-activations, so L0 is k on average while each token gets
/// what it needs; the loss is TopK's (<see cref="KSparseObjective"/>). From threshold_start_step on, the inference
/// threshold tracks the smallest activation kept: θ ← m on the first update, then θ ← β·θ + (1 − β)·m, m the batch's
/// smallest positive kept activation (β = threshold_decay, 0.999).
/// </summary>
public sealed class BatchTopKObjective(SaeConfig config, BatchTopKSae sae) : KSparseObjective(config, sae, sae.b_enc)
{
    protected override Tensor Select(Tensor pre) => BatchTopKSae.KeepBatchTopK(pre, sae.K);

    protected override (KSparseSelection.Entries Kept, KSparseSelection.Entries? Aux) Select(KSparseSelection selection, Tensor? dead, int kAux) =>
        selection.BatchTopK(sae.K, dead, kAux);

    public override void AfterStep(ObjectiveOutput output, long step) => TrackThreshold(sae, output, step, Config);

    /// <summary>The inference threshold's update after a step (Matryoshka's too, which keeps latents the same way).</summary>
    internal static void TrackThreshold(BatchTopKSae sae, ObjectiveOutput output, long step, SaeConfig config)
    {
        if (step < config.ThresholdStartStep) return;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        if (output.SmallestActivation() is not { } smallest) return;
        if (sae.Threshold.item<float>() < 0) sae.Threshold.copy_(smallest);
        else sae.Threshold.mul_(config.ThresholdDecay).add_(smallest * (1 - config.ThresholdDecay));
    }
}
