using System.Text.Json.Nodes;
using SaePipeline.Artifacts;
using SaePipeline.Runtime;
using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Evals;

/// <summary>One evaluation in progress: its stage item, params, the SAE it scores (on <see cref="Device"/>) and that SAE's folder.</summary>
public sealed record EvalRun<TParams>(StageContext Context, TParams Params, SparseAutoencoder Sae, string SaeDir, Device Device);

/// <summary>
/// What an evaluation computed: SAEBench's sections of the result JSON, and the facts its manifest keeps (a summary a
/// reader can get without parsing the result).
/// </summary>
public sealed record EvalOutcome(JsonObject EvalConfig, JsonObject Metrics, JsonArray Details, JsonObject Unstructured, JsonObject Info);

/// <summary>
/// The frame every evaluation stage runs in: load the SAE of the item's <see cref="InputRole.Sae"/> input on the
/// configured device, let the evaluation compute, write SAEBench's envelope as
/// <c>&lt;release&gt;_&lt;sae&gt;_eval_results.json</c>, commit. An evaluation is then only its computation.
/// </summary>
public static class SaeEvaluation
{
    public static void Run<TParams>(StageContext context, string evalTypeId, Func<EvalRun<TParams>, EvalOutcome> evaluate)
        where TParams : IEvalParams
    {
        var p = context.Params<TParams>();
        var subject = p.Subject;
        var device = TorchRuntime.Resolve(subject.Device);
        var (saeDir, _) = context.Input(InputRole.Sae);
        var (sae, saeCfg) = SaeLensFormat.Load(saeDir, device, subject.SaeDtype == "bfloat16" ? ScalarType.BFloat16 : ScalarType.Float32);
        // SAEBench's evaluations cast the SAE to the model's dtype, and SAELens's SAE.to() writes the torch dtype's name
        // into cfg.dtype, which is what their sae_cfg_dict shows (docs/saebench.md §0).
        if (subject.LlmDtype is not null) saeCfg["dtype"] = $"torch.{subject.SaeDtype}";
        using (sae)
        {
            var outcome = evaluate(new EvalRun<TParams>(context, p, sae, saeDir, device));
            var json = SaeBenchEnvelope.Create(evalTypeId, outcome.EvalConfig, context.Spec, outcome.Metrics, outcome.Details,
                                               subject.SaeName, subject.Release, saeCfg, outcome.Unstructured);
            SaeBenchEnvelope.Write(Path.Combine(context.OutputDir, SaeBenchEnvelope.FileName(subject.Release, subject.SaeName)), json);
            context.Commit(outcome.Info);
        }
    }
}

/// <summary>An evaluation's result as the report reads it: the SAEBench JSON, its path under the artifacts root, its manifest.</summary>
public sealed record EvalResult(JsonNode Json, string File, Manifest Manifest);

/// <summary>The one reader of evaluation results, for the report.</summary>
public static class EvalResults
{
    /// <summary>The result of evaluation <paramref name="evalTypeId"/> of <paramref name="sae"/>, or null when the plan has none.</summary>
    public static EvalResult? Read(StageContext context, string evalTypeId, string sae, string release)
    {
        var role = InputRole.ResultOf(evalTypeId, sae);
        if (!context.Has(role)) return null;
        var (dir, manifest) = context.Input(role);
        string file = Path.Combine(dir, SaeBenchEnvelope.FileName(release, sae));
        if (!File.Exists(file)) throw new PipelineException($"{dir} has no {Path.GetFileName(file)}; delete the folder and rerun the build", dir);
        // Python's Infinity / NaN tokens are allowed: SAEBench writes them, and so does core where a metric is infinite.
        return new EvalResult(Json.ParseAllowingNamedLiterals(File.ReadAllText(file))!, Path.GetRelativePath(context.Root, file), manifest);
    }
}
