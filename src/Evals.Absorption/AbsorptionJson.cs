using System.Text.Json.Nodes;
using SaePipeline.Config;

namespace SaePipeline.Evals.Absorption;

/// <summary>
/// SAEBench's <c>absorption_first_letter</c> JSON, key for key: eval_result_metrics.mean holds the first seed's run
/// (mean and sample sd over letters), eval_result_details one row per letter of that run. eval_result_unstructured adds
/// <c>seeds</c> (mean, sample sd and per-seed values of every metric key over evals.seeds) and per seed what the
/// numbers rest on: the letter probe's F1 per letter, each letter's main latents and k-sparse F1s. A seed whose letter
/// probe clears min_gt_probe_f1 on too few letters has null metrics, as SAEBench declines to score it.
/// </summary>
public static class AbsorptionJson
{
    public static readonly IReadOnlyList<string> MetricKeys =
    [
        "mean_absorption_fraction_score", "mean_full_absorption_score", "mean_num_split_features",
        "std_dev_absorption_fraction_score", "std_dev_full_absorption_score", "std_dev_num_split_features",
    ];

    public static JsonObject EvalConfig(EvaluateAbsorptionParams p, FirstLetterSeed first)
    {
        var s = p.Settings;
        return new JsonObject
        {
            ["model_name"] = p.Subject.ModelName,
            ["random_seed"] = p.Seeds[0],
            ["f1_jump_threshold"] = s.F1JumpThreshold,
            ["max_k_value"] = s.MaxKValue,
            ["prompt_template"] = s.PromptTemplate,
            ["prompt_token_pos"] = first.PromptTokenPos,
            ["llm_batch_size"] = s.LlmBatchSize,
            ["llm_dtype"] = p.Subject.LlmDtype,
            ["k_sparse_probe_l1_decay"] = s.KSparseProbeL1Decay,
            ["k_sparse_probe_batch_size"] = s.KSparseProbeBatchSize,
            ["k_sparse_probe_num_epochs"] = s.KSparseProbeNumEpochs,
            ["min_GT_probe_f1"] = s.MinGtProbeF1,
            ["min_feats_for_eval"] = s.MinFeatsForEval,
        };
    }

    public static (JsonObject Metrics, JsonArray Details, JsonObject Unstructured, JsonObject SeedSummary) Build(
        IReadOnlyList<SeedAbsorption> seeds, IReadOnlyList<FirstLetterSeed> letterSets)
    {
        var perSeed = seeds.Select(s => s.Metrics()).ToList();
        var metrics = new JsonObject { ["mean"] = SeedStatistics.Metrics(perSeed[0], MetricKeys) };
        var details = new JsonArray();
        if (seeds[0].Scored)
            foreach (var l in seeds[0].Letters)
                details.Add(new JsonObject
                {
                    ["first_letter"] = l.Letter,
                    ["mean_absorption_fraction"] = SaeBenchEnvelope.Number(l.MeanAbsorptionFraction),
                    ["full_absorption_rate"] = SaeBenchEnvelope.Number(l.FullAbsorptionRate),
                    ["num_full_absorption"] = l.NumFullAbsorption,
                    ["num_probe_true_positives"] = l.NumProbeTruePositives,
                    ["num_split_features"] = l.MainLatents.Count,
                });
        var summary = SeedStatistics.Summarize(seeds.Select(s => s.Seed).ToList(), perSeed, MetricKeys);
        var bySeed = new JsonObject();
        for (int i = 0; i < seeds.Count; i++)
        {
            var s = seeds[i];
            bySeed[s.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["scored"] = s.Scored,
                ["letters_above_min_gt_probe_f1"] = s.LettersAboveMinF1,
                ["train_words"] = letterSets[i].TrainWords.Count,
                ["test_words"] = letterSets[i].TestWords.Count,
                ["letters"] = new JsonArray(s.Letters.Select(l => (JsonNode?)new JsonObject
                {
                    ["first_letter"] = l.Letter,
                    ["probe_f1"] = SaeBenchEnvelope.Number(l.ProbeF1),
                    ["main_latents"] = new JsonArray(l.MainLatents.Select(x => (JsonNode?)x).ToArray()),
                    ["k_sparse_f1"] = new JsonArray(l.KSparseF1.Select(x => (JsonNode?)SaeBenchEnvelope.Number(x)).ToArray()),
                    ["mean_absorption_fraction"] = SaeBenchEnvelope.Number(l.MeanAbsorptionFraction),
                    ["full_absorption_rate"] = SaeBenchEnvelope.Number(l.FullAbsorptionRate),
                    ["num_probe_true_positives"] = l.NumProbeTruePositives,
                }).ToArray()),
            };
        }
        var unstructured = new JsonObject { ["seeds"] = summary.DeepClone(), ["per_seed_letters"] = bySeed };
        return (metrics, details, unstructured, summary);
    }
}
