using System.Globalization;
using System.Text.Json.Nodes;
using SaePipeline.Config;

namespace SaePipeline.Evals.SparseProbing;

/// <summary>
/// SAEBench's <c>sparse_probing_sae_probes</c> JSON, key for key: eval_result_metrics.llm and .sae hold the means over
/// tasks of the first seed's run (k values not run are null; sae_test_accuracy, a probe on every latent, is not part
/// of the protocol and stays null), eval_result_details one row per task of that run. eval_result_unstructured adds
/// <c>seeds</c>: mean, sample sd and per-seed values of every metric key over evals.seeds, and <c>sae_metrics_by_k</c>.
/// </summary>
public static class SaeProbesJson
{
    static readonly string[] Measures = ["accuracy", "auc", "f1"];

    public static IReadOnlyList<string> LlmKeys { get; } = Measures.Select(m => $"llm_test_{m}").ToList();

    public static IReadOnlyList<string> SaeKeys { get; } =
        SaeProbesConfig.SaeBenchKs.SelectMany(k => Measures.Select(m => $"sae_top_{k}_test_{m}")).Prepend("sae_test_accuracy").ToList();

    public static JsonObject EvalConfig(EvaluateSaeProbesParams p, IReadOnlyList<string> tasks, long firstSeed) => new()
    {
        ["model_name"] = p.Subject.ModelName,
        ["dataset_names"] = new JsonArray(tasks.Select(t => (JsonNode?)t).ToArray()),
        ["reg_type"] = p.Settings.RegType,
        ["setting"] = "normal",
        ["ks"] = new JsonArray(p.Settings.Ks.Select(k => (JsonNode?)k).ToArray()),
        ["binarize"] = false,
        ["include_llm_baseline"] = true,
        ["baseline_method"] = "logreg",
        ["random_seed"] = firstSeed,
        ["max_train"] = p.Settings.MaxTrain,
        ["max_test"] = p.Settings.MaxTest,
    };

    /// <summary>One task's values under SAEBench's keys.</summary>
    public static Dictionary<string, double> Values(SaeProbesTaskResult r)
    {
        var v = new Dictionary<string, double>
        {
            ["llm_test_accuracy"] = r.Llm.Accuracy, ["llm_test_auc"] = r.Llm.Auc, ["llm_test_f1"] = r.Llm.F1,
        };
        foreach (var (k, s) in r.Sae)
        {
            v[$"sae_top_{k}_test_accuracy"] = s.Accuracy;
            v[$"sae_top_{k}_test_auc"] = s.Auc;
            v[$"sae_top_{k}_test_f1"] = s.F1;
        }
        return v;
    }

    /// <summary>Means over tasks of each key, for one seed.</summary>
    public static Dictionary<string, double> Means(IReadOnlyList<SaeProbesTaskResult> tasks)
    {
        var values = tasks.Select(Values).ToList();
        return values.SelectMany(v => v.Keys).Distinct().ToDictionary(k => k, k => values.Where(v => v.ContainsKey(k)).Average(v => v[k]));
    }

    public static (JsonObject Metrics, JsonArray Details, JsonObject Unstructured, JsonObject SeedSummary) Build(
        IReadOnlyList<long> seeds, IReadOnlyList<IReadOnlyList<SaeProbesTaskResult>> perSeed, IReadOnlyList<int> ks)
    {
        var means = perSeed.Select(Means).ToList();
        var metrics = new JsonObject { ["llm"] = SeedStatistics.Metrics(means[0], LlmKeys), ["sae"] = SeedStatistics.Metrics(means[0], SaeKeys) };
        var details = new JsonArray();
        foreach (var task in perSeed[0])
        {
            var detail = new JsonObject { ["dataset_name"] = task.Task };
            foreach (var (key, value) in SeedStatistics.Metrics(Values(task), LlmKeys.Concat(SaeKeys).ToList())) detail[key] = value?.DeepClone();
            details.Add(detail);
        }
        var summary = SeedStatistics.Summarize(seeds, means, LlmKeys.Concat(SaeKeys).ToList());
        var byK = new JsonObject();
        foreach (int k in ks)
            byK[k.ToString(CultureInfo.InvariantCulture)] = new JsonObject(Measures.Select(m =>
                KeyValuePair.Create($"test_{m}", means[0].TryGetValue($"sae_top_{k}_test_{m}", out double v) ? SaeBenchEnvelope.Number(v) : null)));
        return (metrics, details, new JsonObject { ["seeds"] = summary.DeepClone(), ["sae_metrics_by_k"] = byK }, summary);
    }
}
