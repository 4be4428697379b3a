using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using SaePipeline.Activations.Core;
using SaePipeline.Artifacts;
using SaePipeline.Config;
using SaePipeline.Models;
using SaePipeline.Runtime;
using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Evals.Causal;

/// <summary>
/// EvaluateCausal: every latent's NCES (<see cref="CausalEffects"/>) under each configured intervention, on the first
/// rows of core evaluation's token stream, with the latents' means and resampling pools taken from its first batches.
/// Writes <c>artifacts/evals/causal/&lt;sae&gt;-&lt;hash&gt;/&lt;experiment&gt;_&lt;sae&gt;_eval_results.json</c> in SAEBench's
/// envelope (eval_type_id "causal", not a SAEBench evaluation): per intervention the distribution of NCES over alive
/// latents (mean, quantiles) and the shares of dead and inert latents; per latent its effects in the details.
/// </summary>
public static class EvaluateCausalStage
{
    public static void Run(StageContext context) => SaeEvaluation.Run<EvaluateCausalParams>(context, EvalTypes.Causal, Evaluate);

    static EvalOutcome Evaluate(EvalRun<EvaluateCausalParams> run)
    {
        var (context, p, sae, saeDir, device) = run;
        var s = p.Settings;
        var clock = Stopwatch.StartNew();
        using var lm = LoadedModel.Open(context, device);
        var hook = HookPoint.Parse(p.Hook, lm.Model.Dims.NLayers);
        var (referenceDir, manifest) = context.Input(InputRole.CoreReference);
        var info = Json.Deserialize<CoreReferenceInfo>(manifest.Info ?? throw new PipelineException($"{referenceDir}: the manifest has no info", referenceDir), referenceDir);
        if (sae.DIn != info.DIn) throw new PipelineException($"the SAE takes d_in = {sae.DIn} but {referenceDir} holds d = {info.DIn}", saeDir);
        int statisticsBatches = Math.Min(s.StatisticsBatches, info.Stream.Batches);
        if (s.Rows > (long)statisticsBatches * info.Stream.BatchSizePrompts)
            throw new PipelineException($"evals.causal.rows = {s.Rows} exceeds the {statisticsBatches * info.Stream.BatchSizePrompts} rows of its statistics batches", context.Spec.Id);

        // The latents' statistics, and the rows effects are measured on, from the first batches of the stream.
        var statistics = new LatentStatistics(sae.DSae, (int)(p.Seed & int.MaxValue));
        var rows = new List<(Tensor Tokens, Tensor Acts)>();
        foreach (var batch in CoreReferenceCache.Read(referenceDir, info, device).Take(statisticsBatches))
            using (batch)
            using (var scope = NewDisposeScope())
            using (var noGrad = no_grad())
            {
                var keptPositions = CorePasses.Kept(batch.Tokens, info.SpecialTokens).reshape(-1).nonzero().flatten();
                var x = batch.Activations.to(ScalarType.Float32).reshape(-1, sae.DIn);
                using (var f = sae.Encode(x.index_select(0, keptPositions.to(x.device)))) statistics.Observe(f);
                int need = s.Rows - rows.Sum(r => (int)r.Tokens.shape[0]);
                if (need > 0)
                {
                    int take = (int)Math.Min(need, batch.Tokens.shape[0]);
                    rows.Add((batch.Tokens[..take].clone().DetachFromDisposeScope(), batch.Activations[..take].clone().DetachFromDisposeScope()));
                }
            }
        using var tokens = cat(rows.Select(r => r.Tokens).ToList(), 0);
        using var acts = cat(rows.Select(r => r.Acts).ToList(), 0);
        foreach (var (t, a) in rows) { t.Dispose(); a.Dispose(); }
        using var kept = CorePasses.Kept(tokens, info.SpecialTokens);
        context.Log($"latent statistics from {statistics.Positions:N0} positions; effects of {sae.DSae} latents on {s.Rows} rows × {info.Stream.ContextSize} tokens");

        var latents = Enumerable.Range(0, sae.DSae).ToList();
        var byKind = new Dictionary<InterventionKind, IReadOnlyList<LatentEffect>>();
        var progress = new Progress(context.Label, s.Interventions.Count, "interventions");
        foreach (var kind in s.Interventions)
        {
            using var generator = TorchRuntime.Generator(p.Seed, $"causal/{kind}");
            byKind[kind] = CausalEffects.Compute(lm.Model, hook, sae, tokens, acts, kept, latents, kind, statistics, generator);
            var summary = CausalJson.Summary(byKind[kind], s.InertKl);
            progress.Report(byKind.Count, string.Create(CultureInfo.InvariantCulture,
                $"{Name(kind)}: NCES median {summary["nces_median"]?.GetValue<double>():G4}, inert {summary["frac_inert"]?.GetValue<double>():P1} of alive, dead {summary["frac_dead"]?.GetValue<double>():P1}"));
        }
        progress.Done();

        var metrics = new JsonObject(s.Interventions.Select(k => KeyValuePair.Create(Name(k), (JsonNode?)CausalJson.Summary(byKind[k], s.InertKl))));
        return new EvalOutcome(CausalJson.EvalConfig(p, info), metrics, CausalJson.Details(byKind), CausalJson.Unstructured(byKind, s.InertKl),
                               new JsonObject { ["metrics"] = metrics.DeepClone(), ["seconds_total"] = Math.Round(clock.Elapsed.TotalSeconds, 2) });
    }

    public static string Name(InterventionKind kind) => kind.ToString().ToLowerInvariant();
}
