using System.Text.Json.Nodes;
using SaePipeline.Activations.Core;
using SaePipeline.Config;

namespace SaePipeline.Evals.Causal;

/// <summary>EvaluateCausal's JSON: per intervention a summary of the NCES distribution, per latent its effects.</summary>
public static class CausalJson
{
    public const string Definition =
        "NCES_i = mean_t KL(p_t || p_t^(i)) / mean_t |f_t,i| over positions t whose token is not BOS/EOS/PAD, where p_t is the next-token " +
        "distribution with the SAE's reconstruction spliced in at the hook and p_t^(i) the same with latent i set to 0 (zero), its mean " +
        "activation (mean) or a value drawn from its observed activations (random) at every such position. Dead: never fires on these " +
        "positions (no NCES). Inert: alive, with mean KL below inert_kl.";

    public static JsonObject EvalConfig(EvaluateCausalParams p, CoreReferenceInfo info) => new()
    {
        ["model_name"] = p.Subject.ModelName,
        ["hook_name"] = p.Hook,
        ["dataset"] = info.Dataset,
        ["context_size"] = info.Stream.ContextSize,
        ["rows"] = p.Settings.Rows,
        ["statistics_batches"] = p.Settings.StatisticsBatches,
        ["batch_size_prompts"] = info.Stream.BatchSizePrompts,
        ["interventions"] = new JsonArray(p.Settings.Interventions.Select(k => (JsonNode?)EvaluateCausalStage.Name(k)).ToArray()),
        ["inert_kl"] = p.Settings.InertKl,
        ["random_seed"] = p.Seed,
    };

    /// <summary>The NCES distribution over alive latents, and the shares of dead latents (of all) and inert latents (of the alive).</summary>
    public static JsonObject Summary(IReadOnlyList<LatentEffect> effects, double inertKl)
    {
        var alive = effects.Where(e => e.MeanActivation > 0).ToList();
        var nces = alive.Select(e => e.Nces).Order().ToList();
        double Quantile(double q) => nces.Count == 0 ? double.NaN : nces[(int)Math.Round(q * (nces.Count - 1))];
        return new JsonObject
        {
            ["nces_mean"] = SaeBenchEnvelope.Number(nces.Count == 0 ? double.NaN : nces.Average()),
            ["nces_median"] = SaeBenchEnvelope.Number(Quantile(0.5)),
            ["nces_p10"] = SaeBenchEnvelope.Number(Quantile(0.1)),
            ["nces_p90"] = SaeBenchEnvelope.Number(Quantile(0.9)),
            ["nces_max"] = SaeBenchEnvelope.Number(Quantile(1)),
            ["effect_kl_mean"] = SaeBenchEnvelope.Number(effects.Average(e => e.EffectKl)),
            ["frac_dead"] = (double)(effects.Count - alive.Count) / effects.Count,
            ["frac_inert"] = alive.Count == 0 ? null : (double)alive.Count(e => e.EffectKl < inertKl) / alive.Count,
        };
    }

    public static JsonArray Details(IReadOnlyDictionary<InterventionKind, IReadOnlyList<LatentEffect>> byKind)
    {
        var first = byKind.Values.First();
        var details = new JsonArray();
        for (int i = 0; i < first.Count; i++)
        {
            var o = new JsonObject
            {
                ["index"] = first[i].Latent,
                ["mean_activation"] = first[i].MeanActivation,
                ["firing_fraction"] = first[i].FiringFraction,
            };
            foreach (var (kind, effects) in byKind)
            {
                o[$"nces_{EvaluateCausalStage.Name(kind)}"] = SaeBenchEnvelope.Number(effects[i].Nces);
                o[$"effect_kl_{EvaluateCausalStage.Name(kind)}"] = effects[i].EffectKl;
            }
            details.Add(o);
        }
        return details;
    }

    /// <summary>The definition, and per intervention a histogram of log10 NCES over alive latents (for plots).</summary>
    public static JsonObject Unstructured(IReadOnlyDictionary<InterventionKind, IReadOnlyList<LatentEffect>> byKind, double inertKl)
    {
        var histograms = new JsonObject();
        foreach (var (kind, effects) in byKind)
        {
            var logs = effects.Where(e => e.MeanActivation > 0 && e.Nces > 0).Select(e => Math.Log10(e.Nces)).ToList();
            histograms[EvaluateCausalStage.Name(kind)] = Histogram(logs, bins: 20);
        }
        return new JsonObject { ["definition"] = Definition, ["inert_kl"] = inertKl, ["log10_nces_histograms"] = histograms };
    }

    static JsonObject Histogram(IReadOnlyList<double> values, int bins)
    {
        if (values.Count == 0) return new JsonObject { ["edges"] = new JsonArray(), ["counts"] = new JsonArray() };
        double lo = values.Min(), hi = values.Max(), width = hi > lo ? (hi - lo) / bins : 1;
        var counts = new int[bins];
        foreach (var v in values) counts[Math.Min(bins - 1, (int)((v - lo) / width))]++;
        return new JsonObject
        {
            ["edges"] = new JsonArray(Enumerable.Range(0, bins + 1).Select(i => (JsonNode?)(lo + i * width)).ToArray()),
            ["counts"] = new JsonArray(counts.Select(c => (JsonNode?)c).ToArray()),
        };
    }
}
