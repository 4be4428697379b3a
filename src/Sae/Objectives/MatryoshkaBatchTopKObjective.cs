using SaePipeline.Config;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// matryoshka_batch_topk: Bussmann et al. (2025), "Learning Multi-Level Features with Matryoshka Sparse Autoencoders",
/// as dictionary_learning's MatryoshkaBatchTopKTrainer trains it (docs/sae-training.md §1.2). The latents are
/// BatchTopK's, the k·B largest ReLU'd pre-activations of the batch over the whole dictionary; the loss asks each
/// prefix of groups to reconstruct x by itself:
///   x̂_{≤g} = b_dec + Σ_{h ≤ g} f_h·W_dec,h,    L = Σ_g w_g·R(x, x̂_{≤g}) + α·L_aux
/// (w_g = group_weights, 1/G each by default; R in the configured convention). AuxK models the full reconstruction's
/// residual x − x̂_{≤G}, as BatchTopK's does; b_dec starts at the geometric median of the first batch and the inference
/// threshold is tracked as BatchTopK's. The step is dense (autograd through [B, d_sae]): the sparse kernels of topk and
/// batch_topk decode the kept entries in one product, and cutting them by group is left for when it is needed.
/// </summary>
public sealed class MatryoshkaBatchTopKObjective(SaeConfig config, MatryoshkaBatchTopKSae sae) : SaeObjective(config)
{
    readonly int kAux = config.EffectiveAuxK(sae.DIn);
    readonly double[] weights = [.. config.EffectiveGroupWeights()];

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
        var prefixes = sae.PrefixReconstructions(f);
        Tensor reconstruction = Zero(pre), mse = reconstruction;
        for (int g = 0; g < prefixes.Count; g++)
        {
            var (term, prefixMse) = Reconstruction(x, prefixes[g]);
            reconstruction = reconstruction + weights[g] * term;
            mse = prefixMse;   // the log's mse is the full reconstruction's, the last prefix
        }
        var xHat = prefixes[^1];
        var aux = UsesDeadLatents
            ? Config.AuxkCoefficient * AuxK.Loss(pre.relu(), (x - xHat).detach(), step.Dead, step.DeadCount, kAux, sae.W_dec)
            : Zero(mse);
        return new ObjectiveOutput(reconstruction + aux, f, xHat, mse, Zero(mse), aux);
    }

    public override void AfterStep(ObjectiveOutput output, long step) => BatchTopKObjective.TrackThreshold(sae, output, step, Config);
}
