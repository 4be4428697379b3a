using SaePipeline.Activations.Core;
using SaePipeline.Models;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// NCES as <see cref="CausalEffects"/> defines it, computed so that it is differentiable in the SAE's parameters, for
/// the causal objective:
/// <list type="number">
/// <item>The SAE encodes the rows' activations at the hook and its reconstruction is spliced in at kept positions
///   (tokens other than BOS/EOS/PAD); p is the resulting next-token distribution.</item>
/// <item>For each chosen latent i a copy of the rows carries the displacement (f′ − f)·W_dec[i] at kept positions;
///   the m copies run through the layers after the hook in one pass, giving p⁽ⁱ⁾.</item>
/// <item>NCES_i = mean_t KL(p_t ‖ p⁽ⁱ⁾_t) / mean_t |f_t,i| over kept positions. Its gradient reaches the encoder
///   (through f_i, in both the displacement and the denominator) and decoder row i (through the displacement).</item>
/// </list>
/// The gradient flows through p as well as p⁽ⁱ⁾. Holding p fixed would be cheaper but wrong: the base reconstruction
/// is shared by both, and with p fixed, moving it further along the intervention's displacement looks like a larger
/// effect although the intervention's effect itself does not change (a first try did that: on the micro model it
/// lowered both loss recovered and the evaluated NCES).
/// The SAE sees activations × <c>inputScale</c> as in training; its reconstruction and decoder rows are scaled back,
/// so the numbers are those EvaluateCausal gives the saved SAE (whose input scale is folded in).
/// </summary>
public static class DifferentiableNces
{
    /// <param name="ids">[R, T] token rows; <paramref name="acts"/> [R, T, d] their activations at <paramref name="hook"/>.</param>
    /// <param name="kept">[R, T] bool: positions that count.</param>
    /// <param name="choose">Picks the latents to score from each latent's mean |f| over kept positions ([d_sae], no gradient).</param>
    /// <param name="replacement">f′ for a latent given its current values [R, T] and the kept mask as floats.</param>
    /// <returns>NCES of the chosen latents [m] (empty when none is chosen), and which they are.</returns>
    public static (Tensor Nces, long[] Latents) Compute(LanguageModel model, HookPoint hook, SparseAutoencoder sae, Tensor ids, Tensor acts, Tensor kept,
                                                        Func<Tensor, long[]> choose, Func<Tensor, Tensor, long, Tensor> replacement, double inputScale = 1.0)
    {
        long r = ids.shape[0], t = ids.shape[1];
        int d = sae.DIn, dSae = sae.DSae;
        var keepF = kept.to(ScalarType.Float32);
        var keptCount = keepF.sum().clamp_min(1);
        var f = sae.Encode((acts * inputScale).reshape(r * t, d)).reshape(r, t, dSae);
        var reconstruction = sae.Decode(f.reshape(r * t, dSae)).reshape(r, t, d) / inputScale;
        var spliced = where(kept.unsqueeze(-1), reconstruction, acts);
        var logP = CorePasses.LogitsWith(model, hook, spliced, ids).log_softmax(-1);
        var p = logP.exp();
        var negativeEntropy = (p * logP).sum(-1);                                                   // [R, T]
        var meanAbs = (f * keepF.unsqueeze(-1)).abs().sum([0, 1]) / keptCount;                         // [d_sae]
        var chosen = choose(meanAbs.detach());
        if (chosen.Length == 0) return (zeros([0], f.dtype, f.device), chosen);
        var moved = new List<Tensor>(chosen.Length);
        foreach (long i in chosen)
        {
            var current = f[.., .., i];
            var delta = (replacement(current, keepF, i) - current) * keepF;                            // [R, T]
            moved.Add(spliced + delta.unsqueeze(-1) * (sae.W_dec[i] / inputScale));
        }
        int m = chosen.Length;
        var logQ = CorePasses.LogitsWith(model, hook, cat(moved, 0), ids.repeat(m, 1)).log_softmax(-1).reshape(m, r, t, -1);
        var kl = negativeEntropy - (logQ * p).sum(-1);                                                // [m, R, T]
        var effect = (kl * keepF).reshape(m, r * t).sum(1) / keptCount;
        return (effect / meanAbs.index_select(0, tensor(chosen, device: f.device)), chosen);
    }
}
