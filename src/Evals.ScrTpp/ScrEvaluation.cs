using System.Globalization;
using System.Text.Json.Nodes;
using SaePipeline.Activations.Labelled;
using SaePipeline.Data.ProbeSets;
using SaePipeline.Probes;
using SaePipeline.Runtime;

namespace SaePipeline.Evals.ScrTpp;

/// <summary>Everything SCR or TPP needs of one data set for one SAE: the cached probes and pooled texts, and the SAE's sums.</summary>
public sealed record ProbeTaskInputs(ProbeFile Probes, IReadOnlyDictionary<string, LinearProbe> Weights, ProbeData Data,
                                     LatentSums Train, LatentSums Test, SaeDecoder Sae, bool PaddingLeak)
{
    public AblatedLogits Ablation() => new(Data.Test, Test, Sae, Probes.Context, PaddingLeak);

    public LinearProbe Probe(long seed, string run, string key) =>
        Weights.TryGetValue(ProbeFile.TensorId(seed, run, key), out var probe) ? probe
            : throw new PipelineException($"the probes of {Probes.Task} {Probes.Dataset} have no probe {ProbeFile.TensorId(seed, run, key)}");
}

/// <summary>One SCR run (class pair) of one seed: SAEBench's per-run metrics and the accuracies behind them.</summary>
public sealed record ScrRunResult(string JsonName, string Pair, Dictionary<string, double> Metrics, JsonObject Accuracies)
{
    /// <summary>SAEBench's eval_result_details name, e.g. "LabHC/bias_in_bios_class_set1_scr_professor_nurse_results".</summary>
    public string DetailName => $"{JsonName}_scr_{Pair}_results";
}

/// <summary>
/// SCR for one SAE on one data set (SAEBench run_eval_single_dataset with perform_scr, docs/saebench.md §2.7–2.9): per
/// seed and class pair, the spurious probe's and the target probe's top-N latents (<see cref="NodeEffects"/>), the
/// biased probe's accuracy with them ablated (<see cref="AblatedLogits"/>), and the scores (<see cref="ScrScores"/>).
/// SAEBench also ablates the biased probe's own latents; no score uses them, so they are not computed.
/// </summary>
public static class ScrEvaluation
{
    public static Dictionary<long, List<ScrRunResult>> Run(ProbeTaskInputs inputs, IReadOnlyList<int> nValues)
    {
        var ablation = inputs.Ablation();
        var scored = nValues.Where(n => n <= inputs.Sae.DSae).ToList();
        var results = new Dictionary<long, List<ScrRunResult>>();
        foreach (var seedRuns in inputs.Probes.Seeds)
        {
            var list = results[seedRuns.Seed] = [];
            foreach (var run in seedRuns.Runs)
            {
                var pair = inputs.Data.Sets.Pairs!.First(p => p.Name == run.Name);
                var biased = inputs.Probe(seedRuns.Seed, run.Name, ScrKeys.Biased);
                var gBiased = inputs.Sae.Attribution(biased);
                // Test examples are every row of a key and its pair; only their order is random, and accuracy ignores order.
                var order = SplitMix64.For(seedRuns.Seed, $"scr/{run.Name}/test-order");
                var (dir1, ablated1) = Direction(inputs, seedRuns.Seed, pair, ScrKeys.Spurious, ScrKeys.Target, biased, gBiased, ablation, scored, order);
                var (dir2, ablated2) = Direction(inputs, seedRuns.Seed, pair, ScrKeys.Target, ScrKeys.Spurious, biased, gBiased, ablation, scored, order);
                double base1 = run.CleanAccuracies[ScrProbes.CrossKey(ScrKeys.Biased, ScrKeys.Target)];
                double base2 = run.CleanAccuracies[ScrProbes.CrossKey(ScrKeys.Biased, ScrKeys.Spurious)];
                double oracle1 = run.CleanAccuracies[ScrKeys.Target], oracle2 = run.CleanAccuracies[ScrKeys.Spurious];
                var metrics = ScrScores.Run(nValues, dir1, dir2, base1, oracle1, base2, oracle2);
                var accuracies = new JsonObject
                {
                    ["dir1"] = Accuracies(ScrKeys.Spurious, ScrKeys.Target, base1, oracle1, dir1, ablated1),
                    ["dir2"] = Accuracies(ScrKeys.Target, ScrKeys.Spurious, base2, oracle2, dir2, ablated2),
                    ["metric_direction"] = ScrScores.MetricDirection(base1, base2),
                };
                list.Add(new ScrRunResult(inputs.Probes.JsonName, run.Name, metrics, accuracies));
            }
        }
        return results;
    }

    /// <summary>Ablate <paramref name="ablatedKey"/>'s top-N latents; the biased probe's accuracy on <paramref name="dataKey"/>'s test data, per N.</summary>
    static (Dictionary<int, double> Accuracy, Dictionary<int, int> Latents) Direction(
        ProbeTaskInputs inputs, long seed, ScrPairRows pair, string ablatedKey, string dataKey, LinearProbe biased, double[] gBiased,
        AblatedLogits ablation, IReadOnlyList<int> nValues, SplitMix64 order)
    {
        var data = inputs.Data;
        var probe = inputs.Probe(seed, pair.Name, ablatedKey);
        var effects = NodeEffects.Scr(inputs.Train, data.TrainRows(pair.Key(ablatedKey)), data.TrainRows(pair.Key(ScrKeys.Paired(ablatedKey))),
                                      inputs.Sae.Attribution(probe));
        var examples = ScrProbes.TestExamples(data, pair, dataKey, order);
        var accuracy = new Dictionary<int, double>();
        var latents = new Dictionary<int, int>();
        foreach (int n in nValues)
        {
            var top = NodeEffects.Top(effects, n);
            accuracy[n] = ablation.Accuracy(biased, gBiased, examples, top);
            latents[n] = top.Length;
        }
        return (accuracy, latents);
    }

    static JsonObject Accuracies(string ablatedKey, string dataKey, double baseline, double oracle, Dictionary<int, double> ablated, Dictionary<int, int> latents) => new()
    {
        ["ablated_latents_of"] = ablatedKey,
        ["scored_on"] = dataKey,
        ["baseline_accuracy"] = baseline,
        ["oracle_accuracy"] = oracle,
        ["ablated_accuracy"] = new JsonObject(ablated.Select(kv => KeyValuePair.Create(kv.Key.ToString(CultureInfo.InvariantCulture), (JsonNode?)kv.Value))),
        // Fewer than N when fewer latents have a non-zero effect (SAEBench warns and ablates those).
        ["latents_ablated"] = new JsonObject(latents.Select(kv => KeyValuePair.Create(kv.Key.ToString(CultureInfo.InvariantCulture), (JsonNode?)kv.Value))),
    };
}
