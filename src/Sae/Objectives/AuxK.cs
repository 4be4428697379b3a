using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// The AuxK loss of Gao et al. (2024), which gives dead latents a gradient: the main reconstruction's residual
/// e = x − x̂ (no gradient) is modelled by the k_aux largest ReLU'd pre-activations among dead latents only, decoded
/// without b_dec. Of the four normalisations in use (docs/sae-training.md §4.3) we take dictionary_learning's:
///   L_aux = mean_b Σ_d (e − ê)² / mean_b Σ_d (e − ē)²           (ē the batch mean of e; NaN → 0)
/// It is scale-free, so α = 1/32 means the same under either reconstruction convention and any input scale, and
/// it is OpenAI's normalised MSE applied to the residual; SAELens's unnormalised variant would tie α to the scale.
/// The sparse step selects the same latents in <see cref="KSparseSelection"/> and decodes them with
/// <see cref="SparseDecode"/>; both end in <see cref="NormalizedError"/>.
/// </summary>
public static class AuxK
{
    /// <param name="postRelu">[B, d_sae] ReLU'd pre-activations of every latent.</param>
    /// <param name="residual">[B, d_in] x − x̂, detached.</param>
    /// <param name="dead">[d_sae] bool.</param>
    public static Tensor Loss(Tensor postRelu, Tensor residual, Tensor dead, long deadCount, int kAux, Tensor wDec)
    {
        if (deadCount == 0) return zeros([], postRelu.dtype, postRelu.device);
        int k = (int)Math.Min(kAux, deadCount);
        // Only dead latents compete, so only their columns are gathered: the top-k, the scatter and the decode (and their
        // backward) then cost n_dead/d_sae of the full-width version, which dense AuxK code pays on every step.
        var deadIndex = dead.nonzero().flatten();
        var candidates = postRelu.index_select(1, deadIndex);
        var (values, indices) = candidates.topk(k, dim: -1, largest: true, sorted: false);
        var auxLatents = zeros_like(candidates).scatter(-1, indices, values);
        return NormalizedError(residual, auxLatents.matmul(wDec.index_select(0, deadIndex)));
    }

    /// <summary>mean_b Σ_d (e − ê)² / mean_b Σ_d (e − ē)², NaN (a constant residual) → 0.</summary>
    public static Tensor NormalizedError(Tensor residual, Tensor estimate)
    {
        var error = (residual - estimate).square().sum() / residual.shape[0];
        var spread = (residual - residual.mean([0], keepdim: true)).square().sum() / residual.shape[0];
        return (error / spread).nan_to_num(0.0, 0.0, 0.0);
    }
}
