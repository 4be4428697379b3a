using System.Text.Json.Nodes;
using SaePipeline.Config;
using SaePipeline.Probes;

namespace SaePipeline.Evals.SparseProbing;

/// <summary>
/// SAEBench's sparse-probing JSON (docs/saebench.md §4.5), key for key. The SAEBench keys hold the first seed's run (the run
/// SAEBench makes with random_seed = that seed): per data set the mean over its classes, headline the unweighted mean
/// over data sets; k values not run are null. eval_result_unstructured keeps SAEBench's per-class results under
/// "&lt;data set&gt;_results" and adds <c>seeds</c>: mean, sample sd and per-seed values of every metric key.
/// </summary>
public static class SparseProbingJson
{
    /// <summary>One data set's results for the language model and the SAE.</summary>
    public sealed record DatasetResults(SparseProbingSubsetResults Llm, SparseProbingSubsetResults Sae);

    public static IReadOnlyList<string> LlmKeys => Keys("llm");
    public static IReadOnlyList<string> SaeKeys => Keys("sae");

    static IReadOnlyList<string> Keys(string side) =>
        SparseProbingConfig.SaeBenchKValues.Select(k => $"{side}_top_{k}_test_accuracy").Prepend($"{side}_test_accuracy").ToList();

    public static JsonObject EvalConfig(EvaluateSparseProbingParams p, IReadOnlyList<DatasetResults> datasets, long firstSeed) => new()
    {
        ["random_seed"] = firstSeed,
        ["dataset_names"] = new JsonArray(datasets.Select(d => (JsonNode?)d.Sae.JsonName).ToArray()),
        ["probe_train_set_size"] = p.Settings.TrainSetSize,
        ["probe_test_set_size"] = p.Settings.TestSetSize,
        ["context_length"] = p.ContextLength,
        ["sae_batch_size"] = 125,
        ["llm_batch_size"] = p.LlmBatchSize,
        ["llm_dtype"] = p.Subject.LlmDtype,
        ["model_name"] = p.Subject.ModelName,
        ["k_values"] = new JsonArray(p.KValues.Select(k => (JsonNode?)k).ToArray()),
        ["lower_vram_usage"] = false,
    };

    /// <summary>Metrics, details and unstructured, plus the seed summary (also the report's input).</summary>
    public static (JsonObject Metrics, JsonArray Details, JsonObject Unstructured, JsonObject SeedSummary) Build(
        IReadOnlyList<long> seeds, IReadOnlyList<DatasetResults> datasets, IReadOnlyList<int> kValues)
    {
        var keys = LlmKeys.Concat(SaeKeys).ToList();
        var perSeed = seeds.Select(s => Headline(datasets, s, kValues)).ToList();
        var first = perSeed[0];
        var metrics = new JsonObject
        {
            ["llm"] = SeedStatistics.Metrics(first, LlmKeys),
            ["sae"] = SeedStatistics.Metrics(first, SaeKeys),
        };
        var details = new JsonArray();
        var unstructured = new JsonObject();
        foreach (var d in datasets)
        {
            var detail = new JsonObject { ["dataset_name"] = $"{d.Sae.JsonName}_results" };
            foreach (var (key, value) in SeedStatistics.Metrics(DatasetMeans(d, seeds[0], kValues), keys)) detail[key] = value?.DeepClone();
            details.Add(detail);
            unstructured[$"{d.Sae.JsonName}_results"] = PerClass(d, seeds[0], kValues);
        }
        var summary = SeedStatistics.Summarize(seeds, perSeed, keys);
        unstructured["seeds"] = summary.DeepClone();
        return (metrics, details, unstructured, summary);
    }

    /// <summary>Mean over data sets of each data set's class mean, for one seed.</summary>
    static Dictionary<string, double> Headline(IReadOnlyList<DatasetResults> datasets, long seed, IReadOnlyList<int> kValues)
    {
        var perDataset = datasets.Select(d => DatasetMeans(d, seed, kValues)).ToList();
        return perDataset[0].Keys.ToDictionary(k => k, k => perDataset.Average(d => d[k]));
    }

    static Dictionary<string, double> DatasetMeans(DatasetResults d, long seed, IReadOnlyList<int> kValues)
    {
        var values = new Dictionary<string, double>();
        foreach (var (side, results) in new[] { ("llm", d.Llm), ("sae", d.Sae) })
        {
            var classes = results.Seeds.First(s => s.Seed == seed).Classes;
            values[$"{side}_test_accuracy"] = classes.Average(c => c.TestAccuracy);
            foreach (int k in kValues) values[$"{side}_top_{k}_test_accuracy"] = classes.Average(c => c.TopK[k]);
        }
        return values;
    }

    /// <summary>SAEBench's per_class_dict entry: sae_test_accuracy, the language model's keys, then the SAE's top-k keys.</summary>
    static JsonObject PerClass(DatasetResults d, long seed, IReadOnlyList<int> kValues)
    {
        var llm = d.Llm.Seeds.First(s => s.Seed == seed).Classes;
        var sae = d.Sae.Seeds.First(s => s.Seed == seed).Classes;
        JsonObject ByClass(IReadOnlyList<SparseProbeResult> classes, Func<SparseProbeResult, double> value) =>
            new(classes.Select(c => KeyValuePair.Create(c.Class, SaeBenchEnvelope.Number(value(c)))));
        var o = new JsonObject { ["sae_test_accuracy"] = ByClass(sae, c => c.TestAccuracy), ["llm_test_accuracy"] = ByClass(llm, c => c.TestAccuracy) };
        foreach (int k in kValues) o[$"llm_top_{k}_test_accuracy"] = ByClass(llm, c => c.TopK[k]);
        foreach (int k in kValues) o[$"sae_top_{k}_test_accuracy"] = ByClass(sae, c => c.TopK[k]);
        return o;
    }
}
