using SaePipeline.Config;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// gated: Rajamanoharan et al. (2024), "Improving Dictionary Learning with Gated SAEs", as dictionary_learning's
/// GatedSAETrainer trains it (docs/sae-training.md §1.2):
///   L = R(x, x̂) + λ·s(t)·mean_b ‖ReLU(π + b_gate)‖₁ + R(x, x̂_gate),   x̂_gate = ReLU(π + b_gate)·sg(W_dec) + sg(b_dec)
/// The L1 acts on the gate path only, so it does not shrink the magnitudes; the auxiliary term, decoded through a
/// detached (sg = stop-gradient) decoder, trains the gate to reconstruct on its own, which the Heaviside in f cannot.
/// </summary>
public sealed class GatedObjective(SaeConfig config, GatedSae sae) : SaeObjective(config)
{
    public override SparseAutoencoder Sae => sae;

    public override double SparsityCoefficient(double sparsityScale) => Config.L1Coefficient * sparsityScale;

    public override ObjectiveOutput Forward(Tensor x, StepContext step)
    {
        var (f, gate) = sae.EncodeWithGate(x);
        var xHat = sae.Decode(f);
        var (reconstruction, mse) = Reconstruction(x, xHat);
        var sparsity = SparsityCoefficient(step.SparsityScale) * (gate.sum() / x.shape[0]);
        var xHatGate = addmm(sae.b_dec.detach(), gate, sae.W_dec.detach(), beta: 1, alpha: 1);
        var (aux, _) = Reconstruction(x, xHatGate);
        return new ObjectiveOutput(reconstruction + sparsity + aux, f, xHat, mse, sparsity, aux);
    }
}
