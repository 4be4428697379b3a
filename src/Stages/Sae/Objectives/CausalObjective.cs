using System.Text.Json.Nodes;
using SaePipeline.Config;
using SaePipeline.Evals.Causal;
using SaePipeline.Evals.Core;
using SaePipeline.Models;
using SaePipeline.Models.Tokenizers;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// causal (issue 8, part B): the architecture's objective plus, every <c>every_steps</c> steps, a penalty on latents
/// that fire but barely move the model's output:
/// <code>L = L_architecture + w · mean_{i ∈ S} max(0, 1 − NCES_i / τ)</code>
/// computed on R packed rows of the training corpus (<see cref="CausalTrainingRows"/>) as EvaluateCausal defines NCES
/// (<see cref="CausalEffects"/>), but differentiably:
/// <list type="number">
/// <item>The rows run through the model to the hook (no gradient); the SAE encodes them and its reconstruction is
///   spliced in at every position whose token is not BOS/EOS/PAD; p is the resulting next-token distribution, held
///   fixed as the reference.</item>
/// <item>S: m latents among those firing somewhere in the rows, a seeded random subset or the m with the largest mean
///   |f|. For each, a copy of the rows in which the latent's activation is replaced (zero; its running mean over
///   training batches; or resampled per position from its values across the rows' kept positions) gives p⁽ⁱ⁾; the m
///   copies run through the layers after the hook in one pass.</item>
/// <item>NCES_i = mean_t KL(p_t ‖ p⁽ⁱ⁾_t) / mean_t |f_t,i| over kept positions. Its gradient reaches the encoder
///   (through f_i and the splice) and the decoder row (through the displacement (f′ − f)·W_dec[i]).</item>
/// </list>
/// A latent at or above τ costs nothing, an inert one costs w/|S|: the term asks every active latent to matter to the
/// output by at least τ nats per unit of activation, and leaves alone how it does. Steps without the term are ordinary
/// steps, so TrainSae times both kinds in the same run.
/// </summary>
public sealed class CausalObjective(
    SaeConfig config, SaeObjective architecture, CausalObjectiveConfig settings, LanguageModel model, HookPoint hook, SpecialTokens special,
    CausalTrainingRows rows, long seed)
    : AddedTermObjective(config, architecture)
{
    Tensor? runningMean;   // [d_sae], exponential moving mean of each latent over training batches (mean interventions)

    public override IReadOnlyList<string> LogColumns => ["causal_penalty", "nces_median", "nces_min", "latents_below_target"];

    public override bool TermRunsAt(long step) => step % settings.EverySteps == 0;

    /// <summary>Tokenizing up to a resumed run's rows allocates a lot, so it happens here, outside the steps' no-collection regions.</summary>
    public override void Start(long firstStep) => rows.Seek((firstStep + settings.EverySteps - 1) / settings.EverySteps * settings.Rows);

    protected override void Observe(ObjectiveOutput output, long step)
    {
        if (settings.Intervention != InterventionKind.Mean) return;
        using var noGrad = no_grad();
        var batchMean = output.Latents.detach().mean([0]);
        if (runningMean is null) runningMean = batchMean.clone().DetachFromDisposeScope();
        else runningMean.mul_(settings.MeanDecay).add_(batchMean, alpha: 1 - settings.MeanDecay);
    }

    protected override (Tensor Term, IReadOnlyDictionary<string, Tensor> Logged) Term(Tensor x, ObjectiveOutput output, StepContext step)
    {
        var device = x.device;
        int r = settings.Rows;
        var ids = rows.Take(step.Step / settings.EverySteps * r, r).to(device);
        long t = ids.shape[1];
        int d = Sae.DIn, dSae = Sae.DSae;
        Tensor acts;
        using (no_grad())
        using (var pass = model.Forward(ids, null, new ForwardRequest { Capture = [hook.Name], StopAtLayer = hook.Layer }))
            acts = pass.Activations[hook.Name].to(ScalarType.Float32);
        var keepF = CorePasses.Kept(ids, special).to(ScalarType.Float32);                  // [R, T]
        var keptCount = keepF.sum().clamp_min(1);

        var f = Sae.Encode((acts * InputScale).reshape(r * t, d)).reshape(r, t, dSae);
        var reconstruction = Sae.Decode(f.reshape(r * t, dSae)).reshape(r, t, d) / InputScale;
        var spliced = where(keepF.unsqueeze(-1).gt(0), reconstruction, acts);
        Tensor logP, negativeEntropy;
        using (no_grad())
        {
            logP = CausalEffects.Logits(model, hook, spliced.detach(), ids).log_softmax(-1);
            negativeEntropy = (logP.exp() * logP).sum(-1);                                   // [R, T]
        }
        var p = logP.exp();

        var keptLatents = f * keepF.unsqueeze(-1);
        var meanAbs = keptLatents.abs().sum([0, 1]) / keptCount;                              // [d_sae]
        var chosen = Choose(meanAbs.detach(), step.Step);
        if (chosen.Length == 0) return (Zero(output.Loss), new Dictionary<string, Tensor>());
        var moved = new List<Tensor>(chosen.Length);
        using var generator = TorchRuntime.Generator(seed, $"causal_objective/resample/{step.Step}");
        foreach (long i in chosen)
        {
            var current = f[.., .., i];
            var delta = (Replacement(current, keepF, i, generator) - current) * keepF;        // [R, T]
            moved.Add(spliced + delta.unsqueeze(-1) * (Sae.W_dec[i] / InputScale));
        }
        int m = chosen.Length;
        var logQ = CausalEffects.Logits(model, hook, cat(moved, 0), ids.repeat(m, 1)).log_softmax(-1).reshape(m, r, t, -1);
        var kl = negativeEntropy - (logQ * p).sum(-1);                                       // [m, R, T]
        var effect = (kl * keepF).reshape(m, r * t).sum(1) / keptCount;
        var nces = effect / meanAbs.index_select(0, tensor(chosen, device: device));
        var shortfall = (1 - nces / settings.TargetNces).clamp_min(0);
        var penalty = shortfall.mean();
        var detached = nces.detach();
        return (settings.Weight * penalty, new Dictionary<string, Tensor>
        {
            ["causal_penalty"] = (settings.Weight * penalty).detach(),
            ["nces_median"] = detached.median(),
            ["nces_min"] = detached.min(),
            ["latents_below_target"] = shortfall.detach().gt(0).to(ScalarType.Float32).mean(),
        });
    }

    /// <summary>m latents among those firing at some kept position of the rows.</summary>
    long[] Choose(Tensor meanAbs, long step)
    {
        using var scope = NewDisposeScope();
        var firing = meanAbs.gt(0).nonzero().flatten();
        int m = (int)Math.Min(settings.Latents, firing.shape[0]);
        if (m == 0) return [];
        if (settings.Choose == CausalLatentChoice.MostActive) return meanAbs.topk(m).indexes.cpu().data<long>().ToArray();
        using var generator = TorchRuntime.Generator(seed, $"causal_objective/latents/{step}");
        var pick = randperm(firing.shape[0], generator: generator)[..m];
        return firing.cpu().index_select(0, pick).data<long>().ToArray();
    }

    /// <summary>f′ of latent i at every position of the rows.</summary>
    Tensor Replacement(Tensor current, Tensor keepF, long latent, Generator generator)
    {
        switch (settings.Intervention)
        {
            case InterventionKind.Zero:
                return zeros_like(current);
            case InterventionKind.Mean:
                return full_like(current, runningMean![latent].item<float>());
            default:
                // Resampling: each position takes the latent's value at a kept position drawn uniformly (silent ones
                // included), so the replacement follows the latent's distribution over these rows, not this input.
                var pool = current.detach().masked_select(keepF.gt(0));
                var draw = randint(0, pool.shape[0], current.shape, generator: generator, dtype: ScalarType.Int64).to(current.device);
                return pool[draw];
        }
    }

    public override JsonObject? SaveState() => settings.Intervention != InterventionKind.Mean ? null : new JsonObject
    {
        ["running_mean"] = runningMean is null ? null : new JsonArray(runningMean.cpu().data<float>().Select(v => (JsonNode)v).ToArray()),
    };

    public override void RestoreState(JsonObject state)
    {
        if (state["running_mean"] is not JsonArray values) return;
        runningMean?.Dispose();
        runningMean = tensor(values.Select(v => v!.GetValue<float>()).ToArray()).to(Sae.W_enc.device);
    }

    public override void Dispose()
    {
        runningMean?.Dispose();
        model.Dispose();
    }
}
