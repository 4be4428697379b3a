using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// The unit-norm decoder constraint (dictionary_learning's ConstrainedAdam, docs/sae-training.md §1.1): before the optimizer
/// step, remove from each decoder row's gradient its component along the row, g ← g − (g·ŵ)ŵ, so the step moves rows
/// along the sphere; after it, put rows back on the sphere, w ← w/‖w‖. In SAELens layout a latent's direction is a
/// row of W_dec [d_sae, d_in].
/// </summary>
public static class DecoderNorm
{
    public static void ProjectGradient(Tensor wDec)
    {
        if (wDec.grad is not { } g) return;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var unit = wDec / wDec.norm(dim: 1, keepdim: true);
        g.sub_((g * unit).sum(dim: 1, keepdim: true) * unit);
    }

    public static void Renormalize(Tensor wDec)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        wDec.div_(wDec.norm(dim: 1, keepdim: true));
    }
}
