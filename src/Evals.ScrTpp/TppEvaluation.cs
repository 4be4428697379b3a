using System.Globalization;
using System.Text.Json.Nodes;
using SaePipeline.Activations.Labelled;
using SaePipeline.Probes;
using SaePipeline.Runtime;

namespace SaePipeline.Evals.ScrTpp;

/// <summary>TPP on one data set for one seed: the data set's metrics (means over classes), each class's, and the accuracies behind them.</summary>
public sealed record TppDatasetResult(string JsonName, Dictionary<string, double> Metrics, IReadOnlyList<(string Class, Dictionary<string, double> Metrics)> PerClass,
                                      JsonObject Accuracies)
{
    /// <summary>SAEBench's eval_result_details name, e.g. "LabHC/bias_in_bios_class_set1_tpp_results".</summary>
    public string DetailName => $"{JsonName}_tpp_results";
}

/// <summary>
/// TPP for one SAE on one data set (SAEBench run_eval_single_dataset without perform_scr, docs/saebench.md §2.7, §2.8,
/// §2.10), per seed: each class's top-N latents by the clamped attribution (<see cref="NodeEffects.Tpp"/>, on train
/// texts of the class against freshly drawn negatives), then every class probe's accuracy with them ablated, each
/// accuracy on freshly drawn negatives as SAEBench's prepare_probe_data does, in SAEBench's loop order (all node
/// effects first, then per ablated class, per N, per probe). The draws come from a stream of the seed alone, so every
/// SAE is scored on the same negatives.
/// </summary>
public static class TppEvaluation
{
    public static Dictionary<long, TppDatasetResult> Run(ProbeTaskInputs inputs, IReadOnlyList<int> nValues)
    {
        var ablation = inputs.Ablation();
        var scored = nValues.Where(n => n <= inputs.Sae.DSae).ToList();
        var data = inputs.Data;
        var results = new Dictionary<long, TppDatasetResult>();
        foreach (var seedRuns in inputs.Probes.Seeds)
        {
            long seed = seedRuns.Seed;
            var run = seedRuns.Runs.Single();
            var seedRows = data.Sets.Seeds!.First(s => s.Seed == seed);
            var keys = seedRows.Classes.Select(c => c.Key).ToList();
            var probes = keys.Select(k => inputs.Probe(seed, run.Name, k)).ToList();
            var g = probes.Select(inputs.Sae.Attribution).ToList();
            var train = seedRows.Classes.Select(c => (IReadOnlyList<int>)data.TrainRows(c)).ToList();
            var test = TppProbes.TestClasses(data, seedRows);
            var random = SplitMix64.For(seed, $"tpp/{inputs.Probes.Dataset}/ablation");

            var effects = new List<double[]>();
            for (int i = 0; i < keys.Count; i++)
            {
                var examples = ProbeExamplesBuilder.OneVsRest(train, i, random);
                effects.Add(NodeEffects.Tpp(inputs.Train, Rows(examples, positive: true), Rows(examples, positive: false), g[i]));
            }
            var ablated = new List<IReadOnlyDictionary<int, double[]>>();
            var latents = new JsonObject();
            for (int i = 0; i < keys.Count; i++)
            {
                var perN = new Dictionary<int, double[]>();
                var counts = new JsonObject();
                foreach (int n in scored)
                {
                    var top = NodeEffects.Top(effects[i], n);
                    counts[n.ToString(CultureInfo.InvariantCulture)] = top.Length;
                    perN[n] = Enumerable.Range(0, keys.Count)
                        .Select(j => ablation.Accuracy(probes[j], g[j], ProbeExamplesBuilder.OneVsRest(test, j, random), top)).ToArray();
                }
                ablated.Add(perN);
                latents[keys[i]] = counts;
            }
            var clean = keys.Select(k => run.CleanAccuracies[k]).ToList();
            var perClass = TppScores.PerClass(clean, ablated, nValues);
            var accuracies = new JsonObject
            {
                ["classes"] = new JsonArray(keys.Select(k => (JsonNode?)k).ToArray()),
                ["clean_accuracy"] = new JsonArray(clean.Select(a => (JsonNode?)a).ToArray()),
                // ablated_accuracy[i][N][j]: class j's probe with class i's top-N latents ablated.
                ["ablated_accuracy"] = new JsonObject(keys.Select((k, i) => KeyValuePair.Create(k, (JsonNode?)new JsonObject(
                    ablated[i].Select(kv => KeyValuePair.Create(kv.Key.ToString(CultureInfo.InvariantCulture),
                        (JsonNode?)new JsonArray(kv.Value.Select(a => (JsonNode?)a).ToArray()))))))),
                ["latents_ablated"] = latents,
            };
            results[seed] = new TppDatasetResult(inputs.Probes.JsonName, ScrScores.Average(perClass),
                keys.Zip(perClass, (k, m) => (k, m)).ToList(), accuracies);
        }
        return results;
    }

    static int[] Rows(ProbeExamples examples, bool positive) =>
        examples.Rows.Where((_, e) => examples.Labels[e] > 0.5f == positive).ToArray();
}
