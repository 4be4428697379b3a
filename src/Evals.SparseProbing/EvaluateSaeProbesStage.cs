using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using SaePipeline.Activations;
using SaePipeline.Artifacts;
using SaePipeline.Data;
using SaePipeline.Data.ProbeSets;
using SaePipeline.Probes;
using SaePipeline.Runtime;

namespace SaePipeline.Evals.SparseProbing;

/// <summary>
/// EvaluateSaeProbes: one SAE under the sae-probes protocol, on every class of every sparse-probing data set as a
/// binary task, over evals.seeds (<see cref="SaeProbesEvaluation"/>). It reads the labelled caches EvaluateSparseProbing
/// reads, each text encoded once at its last real token, and the model's baselines PrepareSaeProbes computed once for
/// every SAE (<see cref="SaeProbesBaselineFile"/>).
/// </summary>
public static class EvaluateSaeProbesStage
{
    public static void Run(StageContext context) => SaeEvaluation.Run<EvaluateSaeProbesParams>(context, EvalTypes.SaeProbes, Evaluate);

    static EvalOutcome Evaluate(EvalRun<EvaluateSaeProbesParams> run)
    {
        var (context, p, sae, _, device) = run;
        var clock = Stopwatch.StartNew();
        var bySeed = new SortedDictionary<long, List<SaeProbesTaskResult>>();
        var penalty = p.Settings.RegType == "l1" ? ProbePenalty.L1 : ProbePenalty.L2;
        foreach (var source in p.Sources)
        {
            var (cacheDir, cacheManifest) = context.Input(InputRole.ActivationsOf(source));
            var (baselineDir, _) = context.Input(InputRole.SaeProbesOf(source));
            var cache = ActivationCache.Open(cacheDir, cacheManifest);
            if (cache.DIn != sae.DIn)
                throw new PipelineException($"the SAE takes d_in = {sae.DIn} but {cacheDir} holds d = {cache.DIn} activations", cacheDir);
            var sets = Json.ReadFile<ProbeSetFile>(Path.Combine(cacheDir, ProbeSetFile.FileName));
            string baselinePath = Path.Combine(baselineDir, SaeProbesBaselineFile.FileName);
            var baseline = Json.ReadFile<SaeProbesBaselineFile>(baselinePath);
            if (baseline.Limits.MaxTrain != p.Settings.MaxTrain || baseline.Limits.MaxTest != p.Settings.MaxTest)
                throw new PipelineException($"{baselinePath} was computed for max_train {baseline.Limits.MaxTrain} / max_test {baseline.Limits.MaxTest}, " +
                                            $"not {p.Settings.MaxTrain} / {p.Settings.MaxTest}; the plan is out of step with its inputs", baselinePath);
            var train = LastTokenRows.Compute(sae, cache, DatasetSource.Train, sets.RowsOf(DatasetSource.Train), device);
            var test = LastTokenRows.Compute(sae, cache, DatasetSource.Test, sets.RowsOf(DatasetSource.Test), device);
            foreach (var (seed, task) in SaeProbesTask.OfSets(sets, p.Datasets, p.Settings.MaxTrain, p.Settings.MaxTest))
                (bySeed.TryGetValue(seed, out var list) ? list : bySeed[seed] = [])
                    .Add(SaeProbesEvaluation.Evaluate(task, train, test, p.Settings.Ks, seed, baseline.Of(seed, task.Name, baselinePath), penalty));
            context.Log($"{source}: {bySeed.Values.FirstOrDefault()?.Count ?? 0} tasks so far, {clock.Elapsed.TotalSeconds:F0} s");
        }
        if (bySeed.Count == 0 || bySeed.Values.Any(r => r.Count == 0))
            throw new PipelineException($"no sae-probes task could be built from {string.Join(", ", p.Datasets)}", context.Spec.Id);
        var seeds = bySeed.Keys.ToList();
        var perSeed = bySeed.Values.Select(r => (IReadOnlyList<SaeProbesTaskResult>)r).ToList();
        var (metrics, details, unstructured, summary) = SaeProbesJson.Build(seeds, perSeed, p.Settings.Ks);
        int k0 = p.Settings.Ks[0];
        context.Log($"{perSeed[0].Count} tasks, {seeds.Count} seeds: " + string.Join(", ",
            new[] { "llm_test_auc", $"sae_top_{k0}_test_auc", $"sae_top_{k0}_test_accuracy" }
                .Select(k => $"{k} {Format(summary["mean"]?[k])} ± {Format(summary["std"]?[k])}")));
        return new EvalOutcome(SaeProbesJson.EvalConfig(p, perSeed[0].Select(t => t.Task).ToList(), seeds[0]), metrics, details, unstructured, new JsonObject
        {
            ["seeds"] = summary.DeepClone(),
            ["tasks"] = perSeed[0].Count,
            ["seconds_total"] = Math.Round(clock.Elapsed.TotalSeconds, 2),
        });
    }

    static string Format(JsonNode? value) => value is null ? "–" : value.GetValue<double>().ToString("F3", CultureInfo.InvariantCulture);
}
