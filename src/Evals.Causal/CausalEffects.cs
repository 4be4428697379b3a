using SaePipeline.Activations.Core;
using SaePipeline.Config;
using SaePipeline.Models;
using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Evals.Causal;

/// <summary>One latent's causal effect on a set of positions.</summary>
/// <param name="Latent">Its index.</param>
/// <param name="EffectKl">Mean over kept positions of KL(p ‖ p⁽ⁱ⁾), in nats: how far intervening on the latent moves the
/// model's next-token distributions (p: the SAE's reconstruction spliced in; p⁽ⁱ⁾: the same with latent i intervened).</param>
/// <param name="MeanActivation">Mean over kept positions of |f_i|.</param>
/// <param name="FiringFraction">Share of kept positions where f_i ≠ 0.</param>
/// <param name="Nces">EffectKl / MeanActivation (nats per unit of activation); NaN for a latent that never fired here.</param>
public sealed record LatentEffect(int Latent, double EffectKl, double MeanActivation, double FiringFraction, double Nces);

/// <summary>
/// The normalised causal effect score (NCES) of SAE latents, computed many latents per forward pass.
/// <para>
/// Definition. On token rows with the SAE's reconstruction spliced in at its hook (x̂ at positions whose token is not
/// BOS/EOS/PAD, the original activation there, as core evaluation splices), let p_t be the next-token distribution at
/// position t. Intervening on latent i replaces its activation f_t,i by f′_t,i (<see cref="InterventionKind"/>) at every
/// kept position, which moves the spliced activation by (f′_t,i − f_t,i)·W_dec[i]; p⁽ⁱ⁾_t is the resulting distribution.
/// Then, over kept positions,
/// <code>NCES_i = mean_t KL(p_t ‖ p⁽ⁱ⁾_t) / mean_t |f_t,i|</code>
/// the effect of the intervention per unit of the latent's typical activation. With unit-norm decoder rows a unit of
/// activation is a unit of displacement of the residual stream, so NCES compares latents of one SAE and SAEs of one
/// hook. A latent that never fires has no activation to normalise by (NaN; it is dead, not inert); an alive latent
/// whose EffectKl stays below a threshold is causally inert.
/// </para>
/// <para>
/// Batching. For a chunk of m latents the B rows are repeated m times, copy j carrying latent j's intervention, and one
/// forward pass from the hook on (a resumed pass at a residual-stream hook, a full pass otherwise) scores all m. The
/// chunk is sized so m·B rows of V-wide logits fit <c>maxLogitElements</c>.
/// </para>
/// </summary>
public static class CausalEffects
{
    public static IReadOnlyList<LatentEffect> Compute(LanguageModel model, HookPoint hook, SparseAutoencoder sae, Tensor tokens, Tensor activations,
                                                      Tensor kept, IReadOnlyList<int> latents, InterventionKind kind, LatentStatistics statistics,
                                                      Generator generator, long maxLogitElements = 16L << 20)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long b = tokens.shape[0], t = tokens.shape[1];
        int d = sae.DIn;
        var ids = tokens.to(ScalarType.Int64, model.Device);
        var x = activations.to(ScalarType.Float32, model.Device);
        var keep = kept.to(model.Device);
        var keepF = keep.to(ScalarType.Float32);
        double keptCount = keepF.sum().item<float>();
        var f = sae.Encode(x.reshape(b * t, d)).reshape(b, t, sae.DSae);
        var spliced = where(keep.unsqueeze(-1), sae.Decode(f.reshape(b * t, sae.DSae)).reshape(b, t, d), x);
        var logP = CorePasses.LogitsWith(model, hook, spliced, ids).log_softmax(-1);
        // KL(p ‖ q) = Σ p log p − Σ p log q: the first term once per position, the second per intervened copy, broadcast
        // against p rather than repeating it (the V-wide tensors dominate memory and time).
        var p = logP.exp();
        var negativeEntropy = (p * logP).sum(-1);                                                     // [B, T]

        int perPass = (int)Math.Max(1, maxLogitElements / (b * t * model.Dims.VocabSize));
        var results = new List<LatentEffect>(latents.Count);
        foreach (var chunk in latents.Chunk(perPass))
            using (NewDisposeScope())
            {
                int m = chunk.Length;
                var moved = new List<Tensor>(m);
                foreach (int i in chunk)
                {
                    var current = f[.., .., i];
                    var delta = (statistics.Replacement(kind, i, current, generator) - current) * keepF;   // [B, T]
                    moved.Add(spliced + delta.unsqueeze(-1) * sae.W_dec[i]);
                }
                var logQ = CorePasses.LogitsWith(model, hook, cat(moved, 0), ids.repeat(m, 1)).log_softmax(-1).reshape(m, b, t, -1);
                var kl = negativeEntropy - (logQ * p).sum(-1);                                         // [m, B, T]
                var effect = (kl * keepF).reshape(m, b * t).sum(1) / keptCount;
                var effects = effect.to(ScalarType.Float64).cpu().data<double>().ToArray();
                for (int j = 0; j < m; j++)
                {
                    var fi = f[.., .., chunk[j]] * keepF;
                    double meanAbs = fi.abs().sum().item<float>() / keptCount;
                    double firing = fi.ne(0).sum().item<long>() / keptCount;
                    results.Add(new LatentEffect(chunk[j], effects[j], meanAbs, firing, meanAbs > 0 ? effects[j] / meanAbs : double.NaN));
                }
            }
        return results;
    }
}
