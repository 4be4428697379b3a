using System.Text.Json.Nodes;
using SaePipeline.Activations.Core;
using SaePipeline.Config;
using SaePipeline.Models;
using SaePipeline.Models.Tokenizers;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// causal (issue 8, part B): the architecture's objective plus, every <c>every_steps</c> steps, a penalty on latents
/// that fire but barely move the model's output:
/// <code>L = L_architecture + w · mean_{i ∈ S} max(0, 1 − NCES_i / τ)</code>
/// computed on R packed rows of the training corpus (<see cref="CausalTrainingRows"/>), which run through the model to
/// the hook without gradient. S is m latents among those firing somewhere in the rows (a seeded random subset, or the
/// m with the largest mean |f|), and NCES_i is EvaluateCausal's score made differentiable
/// (<see cref="DifferentiableNces"/>). The intervention replaces a latent by zero, by its running mean over training
/// batches, or by values resampled per position from its values across the rows' kept positions.
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
        var batchMean = output.DenseLatents().mean([0]);
        if (runningMean is null) runningMean = batchMean.clone().DetachFromDisposeScope();
        else runningMean.mul_(settings.MeanDecay).add_(batchMean, alpha: 1 - settings.MeanDecay);
    }

    protected override (Tensor Term, IReadOnlyDictionary<string, Tensor> Logged) Term(Tensor x, ObjectiveOutput output, StepContext step)
    {
        var device = x.device;
        var ids = rows.Take(step.Step / settings.EverySteps * settings.Rows, settings.Rows).to(device);
        Tensor acts;
        using (no_grad())
        using (var pass = model.Forward(ids, null, new ForwardRequest { Capture = [hook.Name], StopAtLayer = hook.Layer }))
            acts = pass.Activations[hook.Name].to(ScalarType.Float32);
        var kept = CorePasses.Kept(ids, special);
        using var generator = TorchRuntime.Generator(seed, $"causal_objective/resample/{step.Step}");
        var (nces, chosen) = DifferentiableNces.Compute(model, hook, Sae, ids, acts, kept, meanAbs => Choose(meanAbs, step.Step),
                                                        (current, keepF, latent) => Replacement(current, keepF, latent, generator), InputScale);
        if (chosen.Length == 0) return (Zero(output.Loss), new Dictionary<string, Tensor>());
        var shortfall = Shortfall(nces, settings.TargetNces);
        var term = settings.Weight * shortfall.mean();
        var detached = nces.detach();
        return (term, new Dictionary<string, Tensor>
        {
            ["causal_penalty"] = term.detach(),
            ["nces_median"] = detached.median(),
            ["nces_min"] = detached.min(),
            ["latents_below_target"] = shortfall.detach().gt(0).to(ScalarType.Float32).mean(),
        });
    }

    /// <summary>Each latent's penalty max(0, 1 − NCES/τ): 1 for an inert latent, falling linearly to 0 at τ and staying there.</summary>
    public static Tensor Shortfall(Tensor nces, double target) => (1 - nces / target).clamp_min(0);

    /// <summary>
    /// Resampling: each position takes the latent's value at a kept position drawn uniformly (silent ones included), so
    /// the replacement follows the latent's distribution over these rows, not this input.
    /// </summary>
    public static Tensor ResampleFromKept(Tensor current, Tensor keepF, Generator generator)
    {
        var pool = current.detach().masked_select(keepF.gt(0));
        var draw = randint(0, pool.shape[0], current.shape, generator: generator, dtype: ScalarType.Int64).to(current.device);
        return pool[draw];
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

    /// <summary>f′ of latent i at every position of the rows ([R, T] like <paramref name="current"/>).</summary>
    Tensor Replacement(Tensor current, Tensor keepF, long latent, Generator generator)
    {
        switch (settings.Intervention)
        {
            case InterventionKind.Zero:
                return zeros_like(current);
            case InterventionKind.Mean:
                return full_like(current, runningMean![latent].item<float>());
            default:
                return ResampleFromKept(current, keepF, generator);
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
