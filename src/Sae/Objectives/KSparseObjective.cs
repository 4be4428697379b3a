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
///
/// A step is computed sparsely (<see cref="SparseKernels"/> = true, the default): only the encoder's forward matmul
/// touches all B·d_sae pre-activations; the decode, its backward and the encoder's weight gradient run over the n ≈ B·k
/// kept entries (<see cref="KeptPreActivations"/>, <see cref="SparseDecode"/>). It is the same function as the dense
/// step, which autograd differentiates through a [B, d_sae] matrix of mostly zeros; the gradients agree to float32
/// round-off (tests compare them), and the dense step stays for those tests and for `stages bench`.
/// </summary>
public abstract class KSparseObjective(SaeConfig config, SparseAutoencoder sae, Tensor encoderBias) : SaeObjective(config)
{
    readonly int kAux = config.EffectiveAuxK(sae.DIn);

    public override SparseAutoencoder Sae => sae;
    public override bool UsesDeadLatents => Config.AuxkCoefficient > 0;

    /// <summary>Whether steps use the sparse kernels (true) or dense autograd over [B, d_sae] (false); same function.</summary>
    public bool SparseKernels { get; set; } = true;

    /// <summary>The kept activations f [B, d_sae] of the pre-activations (the dense step).</summary>
    protected abstract Tensor Select(Tensor pre);

    /// <summary>The kept entries, and the AuxK entries among <paramref name="dead"/> (latent indices) when given (the sparse step).</summary>
    protected abstract (KSparseSelection.Entries Kept, KSparseSelection.Entries? Aux) Select(KSparseSelection selection, Tensor? dead, int kAux);

    public override void BeforeFirstStep(Tensor x)
    {
        using var noGrad = no_grad();
        sae.b_dec.copy_(GeometricMedian.Of(x));
    }

    public override ObjectiveOutput Forward(Tensor x, StepContext step) => SparseKernels ? SparseForward(x, step) : DenseForward(x, step);

    ObjectiveOutput DenseForward(Tensor x, StepContext step)
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

    ObjectiveOutput SparseForward(Tensor x, StepContext step)
    {
        bool withAux = UsesDeadLatents && step.DeadCount > 0;
        var bias = sae.EncoderBias(encoderBias);
        KSparseSelection.Entries kept;
        KSparseSelection.Entries? auxEntries;
        using (no_grad())
        {
            var dead = withAux ? step.Dead.nonzero().flatten() : null;
            (kept, auxEntries) = Select(new KSparseSelection(x, sae.W_enc, bias, sae.MatmulDtype), dead, (int)Math.Min(kAux, step.DeadCount));
        }
        var f = Latents(kept, x, bias);
        var xHat = SparseDecode.Apply(f, sae.W_dec) + sae.b_dec;
        var (reconstruction, mse) = Reconstruction(x, xHat);
        var aux = withAux
            ? Config.AuxkCoefficient * AuxK.NormalizedError((x - xHat).detach(), SparseDecode.Apply(Latents(auxEntries!, x, bias), sae.W_dec))
            : Zero(mse);
        return new ObjectiveOutput(reconstruction + aux, null, xHat, mse, Zero(mse), aux) { Kept = f };
    }

    SparseLatents Latents(KSparseSelection.Entries entries, Tensor x, Tensor bias) =>
        new(entries.Rows, entries.Cols, KeptPreActivations.Apply(entries.Values, entries.Rows, entries.Cols, x, sae.W_enc, bias), x.shape[0], sae.DSae);
}
