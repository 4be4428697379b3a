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
/// EvaluateSparseProbing: one SAE on SAEBench's sparse-probing data sets. Each cached token is encoded once
/// (<see cref="LatentSums"/>); a text's SAE vector is the mean of its real tokens' latents (BOS/EOS/PAD left out, as
/// SAEBench zeroes them; unlike SCR/TPP there is no padding leak here). Then every seed's full-width and top-k probes
/// on those vectors (<see cref="SparseProbes"/>), beside the language model's results TrainProbes computed once.
/// </summary>
public static class EvaluateSparseProbingStage
{
    public static void Run(StageContext context) => SaeEvaluation.Run<EvaluateSparseProbingParams>(context, EvalTypes.SparseProbing, Evaluate);

    static EvalOutcome Evaluate(EvalRun<EvaluateSparseProbingParams> run)
    {
        var (context, p, sae, _, device) = run;
        var clock = Stopwatch.StartNew();
        double encodeSeconds = 0;
        var bySubset = new Dictionary<string, SparseProbingJson.DatasetResults>();
        foreach (var source in p.Sources)
        {
            var (cacheDir, cacheManifest) = context.Input(InputRole.ActivationsOf(source));
            var (probesDir, _) = context.Input(InputRole.ProbesOf(source));
            var cache = ActivationCache.Open(cacheDir, cacheManifest);
            if (cache.DIn != sae.DIn)
                throw new PipelineException($"the SAE takes d_in = {sae.DIn} but {cacheDir} holds d = {cache.DIn} activations", cacheDir);
            var sets = Json.ReadFile<ProbeSetFile>(Path.Combine(cacheDir, ProbeSetFile.FileName));
            var llm = Json.ReadFile<SparseProbingLlmFile>(Path.Combine(probesDir, SparseProbingLlmFile.FileName));
            var encodeClock = Stopwatch.StartNew();
            var progress = new Progress($"{context.Label} {source}", cache.Rows(DatasetSource.Train) + cache.Rows(DatasetSource.Test), "tokens encoded");
            long done = 0;
            var train = LatentSums.Compute(sae, cache, DatasetSource.Train, sets.RowsOf(DatasetSource.Train), device, n => progress.Report(done += n)).Means();
            var test = LatentSums.Compute(sae, cache, DatasetSource.Test, sets.RowsOf(DatasetSource.Test), device, n => progress.Report(done += n)).Means();
            progress.Done();
            encodeSeconds += encodeClock.Elapsed.TotalSeconds;
            var saeResults = SparseProbingLlm.Evaluate(new ProbeData(sets, train, test), sets.SparseProbing!, p.Settings, p.KValues, "sae");
            foreach (var s in saeResults)
            {
                var llmResults = llm.Subsets.FirstOrDefault(x => x.Subset == s.Subset)
                                 ?? throw new PipelineException($"{probesDir}: no language-model results for {s.Subset}; rerun the build", probesDir);
                bySubset[s.Subset] = new SparseProbingJson.DatasetResults(llmResults, s);
            }
        }
        var datasets = p.Datasets.Select(d => bySubset.TryGetValue(d, out var r) ? r
            : throw new PipelineException($"no sparse-probing results for {d}; the plan's sources do not cover it", context.Spec.Id)).ToList();
        var seeds = datasets[0].Sae.Seeds.Select(s => s.Seed).ToList();
        var (metrics, details, unstructured, summary) = SparseProbingJson.Build(seeds, datasets, p.KValues);
        context.Log($"over {seeds.Count} seeds: " + string.Join(", ", new[] { "llm_test_accuracy", $"llm_top_{p.KValues[0]}_test_accuracy", "sae_test_accuracy", $"sae_top_{p.KValues[0]}_test_accuracy" }
            .Select(k => $"{k} {Format(summary["mean"]?[k])} ± {Format(summary["std"]?[k])}")));
        return new EvalOutcome(SparseProbingJson.EvalConfig(p, datasets, seeds[0]), metrics, details, unstructured, new JsonObject
        {
            ["seeds"] = summary.DeepClone(),
            ["seconds_encode"] = Math.Round(encodeSeconds, 2),
            ["seconds_total"] = Math.Round(clock.Elapsed.TotalSeconds, 2),
        });
    }

    static string Format(JsonNode? value) => value is null ? "–" : value.GetValue<double>().ToString("F3", CultureInfo.InvariantCulture);
}
