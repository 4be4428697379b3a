using SaePipeline.Config;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// relu: "Towards Monosemanticity" as dictionary_learning's StandardTrainer trains it (docs/sae-training.md §1.2):
///   L = R(x, x̂) + λ·s(t)·mean_b Σ_i f_i        (f ≥ 0, so Σ|f| = Σ f)
/// with the unit-norm decoder constraint (kept by the trainer), so the L1 cannot be dodged by shrinking f and
/// growing the decoder.
/// </summary>
public sealed class ReluL1Objective(SaeConfig config, ReluSae sae) : SaeObjective(config)
{
    public override SparseAutoencoder Sae => sae;

    public override double SparsityCoefficient(double sparsityScale) => Config.L1Coefficient * sparsityScale;

    public override ObjectiveOutput Forward(Tensor x, StepContext step)
    {
        var f = sae.Encode(x);
        var xHat = sae.Decode(f);
        var (reconstruction, mse) = Reconstruction(x, xHat);
        // Σ_b f_bi per latent first: its sum is the L1, and (f ≥ 0) it is positive exactly for the latents that fired,
        // which spares the trainer another pass over [B, d_sae].
        var perLatent = f.sum(dim: 0);
        var sparsity = SparsityCoefficient(step.SparsityScale) * (perLatent.sum() / x.shape[0]);
        return new ObjectiveOutput(reconstruction + sparsity, f, xHat, mse, sparsity, Zero(mse)) { FiredLatents = perLatent.detach().gt(0) };
    }
}
