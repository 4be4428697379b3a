using SaePipeline.Config;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// topk: Gao et al. (2024) as dictionary_learning's TopKTrainer trains it:
///   f = TopK_k(ReLU(pre)),  L = R(x, x̂) + α·L_aux                  (α = auxk_coefficient, 1/32)
/// No sparsity penalty: k fixes L0. b_dec starts at the geometric median of the first batch, so early
/// reconstructions are not dominated by the data's offset. L_aux is <see cref="AuxK"/> on the latents dead for
/// dead_after_tokens tokens.
/// </summary>
public sealed class TopKObjective(SaeConfig config, TopKSae sae) : SaeObjective(config)
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
        var f = TopKSae.KeepTopK(pre, sae.K);
        var xHat = sae.Decode(f);
        var (reconstruction, mse) = Reconstruction(x, xHat);
        var aux = UsesDeadLatents
            ? Config.AuxkCoefficient * AuxK.Loss(pre.relu(), (x - xHat).detach(), step.Dead, step.DeadCount, kAux, sae.W_dec)
            : Zero(mse);
        return new ObjectiveOutput(reconstruction + aux, f, xHat, mse, Zero(mse), aux);
    }
}
