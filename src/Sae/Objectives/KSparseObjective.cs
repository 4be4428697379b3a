using SaePipeline.Config;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// What TopK and BatchTopK training share (dictionary_learning's TopKTrainer and BatchTopKTrainer): a selection of the
/// largest ReLU'd pre-activations fixes L0, so there is no sparsity penalty,
///   L = R(x, x̂) + α·L_aux                  (α = auxk_coefficient, 1/32)
/// with <see cref="AuxK"/> on the latents dead for dead_after_tokens tokens, and b_dec starting at the geometric median
/// of the first batch, so early reconstructions are not dominated by the data's offset. Subclasses say which
/// activations are kept.
/// </summary>
public abstract class KSparseObjective(SaeConfig config, SparseAutoencoder sae, Tensor encoderBias) : SaeObjective(config)
{
    readonly int kAux = config.EffectiveAuxK(sae.DIn);

    public override SparseAutoencoder Sae => sae;
    public override bool UsesDeadLatents => Config.AuxkCoefficient > 0;

    /// <summary>The kept activations f [B, d_sae] of the pre-activations.</summary>
    protected abstract Tensor Select(Tensor pre);

    public override void BeforeFirstStep(Tensor x)
    {
        using var noGrad = no_grad();
        sae.b_dec.copy_(GeometricMedian.Of(x));
    }

    public override ObjectiveOutput Forward(Tensor x, StepContext step)
    {
        var pre = sae.PreActivation(x, encoderBias);
        var f = Select(pre);
        var xHat = sae.Decode(f);
        var (reconstruction, mse) = Reconstruction(x, xHat);
        var aux = UsesDeadLatents
            ? Config.AuxkCoefficient * AuxK.Loss(pre.relu(), (x - xHat).detach(), step.Dead, step.DeadCount, kAux, sae.W_dec)
            : Zero(mse);
        return new ObjectiveOutput(reconstruction + aux, f, xHat, mse, Zero(mse), aux);
    }
}
