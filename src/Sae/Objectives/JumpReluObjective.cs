using SaePipeline.Config;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// jumprelu: Rajamanoharan et al. (2024), "Jumping Ahead", as dictionary_learning's JumpReluTrainer trains it:
///   pre = x·W_enc + b_enc,  f = pre·H(pre − θ),  L0 = mean_b Σ_i H(pre_i − θ_i)
///   L = R(x, x̂) + c·s(t)·L0                 or, with target_l0,  R(x, x̂) + c·s(t)·(L0/target_l0 − 1)²
/// H has no useful derivative, so θ is trained with the straight-through estimator and a rectangle kernel
/// K(u) = 1[|u| &lt; ½] of bandwidth ε (docs/sae-training.md §1.2):
///   ∂f/∂pre = H(pre − θ),  ∂f/∂θ = −(θ/ε)·K((pre − θ)/ε),  ∂H/∂pre = 0,  ∂H/∂θ = −(1/ε)·K((pre − θ)/ε)
/// so θ moves only on the batch's pre-activations within ε/2 of it. The estimator is built from detached factors
/// whose value is exactly the forward and whose gradient is exactly the above (see <see cref="JumpRelu"/>).
/// </summary>
public sealed class JumpReluObjective(SaeConfig config, JumpReluSae sae) : SaeObjective(config)
{
    public override SparseAutoencoder Sae => sae;

    public override double SparsityCoefficient(double sparsityScale) => Config.L0Coefficient * sparsityScale;

    public override ObjectiveOutput Forward(Tensor x, StepContext step)
    {
        var pre = sae.PreActivation(x, sae.b_enc);
        double epsilon = Config.JumpreluBandwidth;
        var kernel = Rectangle(pre, sae.threshold, epsilon);   // computed once, used by both estimators
        var f = JumpRelu(pre, sae.threshold, epsilon, kernel);
        var xHat = sae.Decode(f);
        var (reconstruction, mse) = Reconstruction(x, xHat);
        var l0 = MeanL0(pre, sae.threshold, epsilon, kernel);
        var penalty = Config.TargetL0 is { } target ? (l0 / target - 1).square() : l0;
        var sparsity = SparsityCoefficient(step.SparsityScale) * penalty;
        return new ObjectiveOutput(reconstruction + sparsity, f, xHat, mse, sparsity, Zero(mse));
    }

    /// <summary>
    /// A threshold that went negative would flip the sign of its estimator and let the latent fire on negative
    /// pre-activations; dictionary_learning relies on a small lr to stay clear of 0, we also clamp.
    /// </summary>
    public override void AfterStep(ObjectiveOutput output, long step)
    {
        using var noGrad = no_grad();
        sae.threshold.clamp_min_(0);
    }

    /// <summary>pre·H(pre − θ) with ∂/∂pre = H and ∂/∂θ = −(θ/ε)·K((pre − θ)/ε).</summary>
    public static Tensor JumpRelu(Tensor pre, Tensor threshold, double epsilon, Tensor? kernel = null)
    {
        kernel ??= Rectangle(pre, threshold, epsilon);
        var above = pre.gt(threshold).detach();
        // (θ − sg θ) is zero in value; its product with the detached −(θ/ε)·K routes ∂L/∂f into θ exactly as the estimator says.
        var thetaGradient = kernel.to(pre.dtype).mul_(-threshold.detach() / epsilon).detach();
        return pre * above + (threshold - threshold.detach()) * thetaGradient;
    }

    /// <summary>
    /// L0 = mean_b Σ_i H(pre_bi − θ_i), with ∂/∂pre = 0 and ∂L0/∂θ_i = −(1/ε)·mean_b K((pre_bi − θ_i)/ε). L0 is a sum over the
    /// batch, so its θ-gradient needs only the kernel's column sums: the estimator costs [d_sae] work, not [B, d_sae].
    /// </summary>
    public static Tensor MeanL0(Tensor pre, Tensor threshold, double epsilon, Tensor? kernel = null)
    {
        kernel ??= Rectangle(pre, threshold, epsilon);
        long batch = pre.shape[0];
        var count = pre.detach().gt(threshold.detach()).sum().to(pre.dtype) / batch;
        var thetaGradient = (kernel.sum(dim: 0).to(pre.dtype) * (-1.0 / (epsilon * batch))).detach();
        return count + ((threshold - threshold.detach()) * thetaGradient).sum();
    }

    /// <summary>K((pre − θ)/ε) = 1[|pre − θ| &lt; ε/2] as a bool tensor, no gradient.</summary>
    static Tensor Rectangle(Tensor pre, Tensor threshold, double epsilon) =>
        (pre.detach() - threshold.detach()).abs_().lt_(epsilon / 2).to(ScalarType.Bool);
}
