using SaePipeline.Config;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// april_update: Anthropic's April 2024 recipe as dictionary_learning's StandardTrainerAprilUpdate trains it:
///   L = R(x, x̂) + λ·s(t)·mean_b Σ_i f_i·‖W_dec,i‖
/// The decoder is unconstrained (the trainer skips the projection and renormalisation): weighting each latent's L1 by
/// its decoder norm makes the penalty invariant to moving scale between f_i and W_dec,i, which the constraint
/// otherwise enforces. Gradients are clipped to norm 1 by default (max_grad_norm).
/// </summary>
public sealed class AprilUpdateObjective(SaeConfig config, ReluSae sae) : SaeObjective(config)
{
    public override SparseAutoencoder Sae => sae;

    public override double SparsityCoefficient(double sparsityScale) => Config.L1Coefficient * sparsityScale;

    public override ObjectiveOutput Forward(Tensor x, StepContext step)
    {
        var f = sae.Encode(x);
        var xHat = sae.Decode(f);
        var (reconstruction, mse) = Reconstruction(x, xHat);
        var decoderNorms = sae.W_dec.norm(dim: 1, keepdim: false);   // [d_sae]; gradient flows into W_dec too
        var perLatent = f.sum(dim: 0);   // positive exactly for the latents that fired (f ≥ 0)
        var sparsity = SparsityCoefficient(step.SparsityScale) * (perLatent * decoderNorms).sum() / x.shape[0];
        return new ObjectiveOutput(reconstruction + sparsity, f, xHat, mse, sparsity, Zero(mse)) { FiredLatents = perLatent.detach().gt(0) };
    }
}
