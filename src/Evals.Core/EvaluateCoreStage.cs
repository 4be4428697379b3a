using System.Diagnostics;
using System.Text.Json.Nodes;
using SaePipeline.Activations.Core;
using SaePipeline.Artifacts;
using SaePipeline.Models;
using SaePipeline.Runtime;

namespace SaePipeline.Evals.Core;

/// <summary>
/// EvaluateCore: SAEBench's core evaluation of one SAE (docs/saebench.md §1). With the shared-pass cache (the default) it
/// reads the clean and zero-ablated passes and the hook's activations from the <c>&lt;corpus&gt;-core</c> item and runs
/// only what depends on the SAE: the encode, and the spliced forward from the hook onwards. Without it every pass runs
/// here, as SAEBench runs them; the JSON is the same either way. Writes
/// <c>artifacts/evals/core/&lt;sae&gt;-&lt;hash&gt;/&lt;experiment&gt;_&lt;sae&gt;_eval_results.json</c>.
/// </summary>
public static class EvaluateCoreStage
{
    public static void Run(StageContext context) => SaeEvaluation.Run<EvaluateCoreParams>(context, EvalTypes.Core, Evaluate);

    static EvalOutcome Evaluate(EvalRun<EvaluateCoreParams> run)
    {
        var (context, p, sae, saeDir, device) = run;
        var clock = Stopwatch.StartNew();
        using var lm = LoadedModel.Open(context, device);
        var hook = HookPoint.Parse(p.Hook, lm.Model.Dims.NLayers);
        if (sae.DIn != lm.Model.Dims.DModel)
            throw new PipelineException($"the SAE takes d_in = {sae.DIn} but {p.Hook} of this model has d = {lm.Model.Dims.DModel}", saeDir);
        IEnumerable<CoreBatch> batches;
        var special = lm.Special;
        if (p.SharedPassCache)
        {
            var (referenceDir, manifest) = context.Input(InputRole.CoreReference);
            var info = Json.Deserialize<CoreReferenceInfo>(manifest.Info ?? throw new PipelineException($"{referenceDir}: the manifest has no info", referenceDir), referenceDir);
            if (info.Hook != p.Hook || info.Stream != p.Stream)
                throw new PipelineException($"{referenceDir} holds {info.Hook} on other rows than this evaluation asks for; rerun the build", referenceDir);
            special = info.SpecialTokens;
            batches = CoreReferenceCache.Read(referenceDir, info, device);
            context.Log($"SAE-independent passes from {Path.GetFileName(referenceDir)}; spliced pass resumes at {hook.Name}");
        }
        else
        {
            var rows = CoreTokenStream.Rows(p.Dataset, lm.Tokenizer, p.Stream.ContextSize, (long)p.Stream.Batches * p.Stream.BatchSizePrompts, p.Stream.Seed);
            batches = CoreEvaluation.Direct(lm.Model, hook, rows, p.Stream);
            context.Log("no shared-pass cache: running the clean, zero-ablated and spliced passes for this SAE");
        }
        var progress = new Progress(context.Label, p.Stream.Batches, "batches");
        var result = CoreEvaluation.Run(lm.Model, hook, sae, batches, p.Stream, special, p.ExcludeSpecialTokensFromReconstruction,
                                        resume: p.SharedPassCache, batchDone: i => progress.Report(i + 1));
        progress.Done();
        var weights = FeatureWeightStatistics.Compute(sae);
        var misc = MiscMetrics.Compute(result.SparsityVariance, weights);
        var d = result.Downstream;
        var s = result.SparsityVariance;
        context.Log($"ce_loss_score {d.CeLossScore:F4} (CE {d.CeLossWithoutSae:F3} clean, {d.CeLossWithSae:F3} with SAE, {d.CeLossWithAblation:F3} zero-ablated), " +
                    $"kl_div_score {d.KlDivScore:F4}, L0 {s.L0:F1}, explained variance {s.ExplainedVarianceLegacy:F3} (legacy) / {1 - s.Fvu:F3} (1 − FVU), " +
                    $"frac_alive {misc.FracAlive:F3}");
        return new EvalOutcome(CoreJson.EvalConfig(p), CoreJson.Metrics(result, misc, p.Stream), CoreJson.Details(s, weights), CoreJson.Unstructured(result, p),
            new JsonObject
            {
                ["ce_loss_score"] = Finite(d.CeLossScore),
                ["kl_div_score"] = Finite(d.KlDivScore),
                ["l0"] = Finite(s.L0),
                ["explained_variance_legacy"] = Finite(s.ExplainedVarianceLegacy),
                ["fvu"] = Finite(s.Fvu),
                ["shared_pass_cache"] = p.SharedPassCache,
                ["seconds_total"] = Math.Round(clock.Elapsed.TotalSeconds, 2),
            });
    }

    static JsonNode? Finite(double value) => SaeBenchEnvelope.Number(value);
}
