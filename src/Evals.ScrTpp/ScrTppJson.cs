using System.Text.Json.Nodes;
using SaePipeline.Config;
using SaePipeline.Data.ProbeSets;

namespace SaePipeline.Evals.ScrTpp;

/// <summary>
/// SAEBench's SCR and TPP result JSON (docs/saebench.md §4.3, §4.4), key for key: eval_config is ScrAndTppEvalConfig in its
/// field order; the metrics hold SAEBench's 21 keys (N ∈ 2, 5, 10, 20, 50, 100, 500; null where N was not run) for the
/// first seed, whose run is the one SAEBench would make with random_seed = that seed; details have one entry per SCR
/// run or TPP data set. eval_result_unstructured (SAEBench: null for SCR, per-class results for TPP) keeps SAEBench's
/// content and adds <c>seeds</c> (mean, std and per-seed values of every metric key), <c>accuracies</c> (what each
/// score was computed from), <c>skipped</c> and <c>settings</c>.
/// <para>
/// probe_test_batch_size and sae_batch_size are written at SAEBench's defaults: here they would only say how work is
/// chunked, and no result depends on them.
/// </para>
/// </summary>
public static class ScrTppJson
{
    public static JsonObject EvalConfig(bool scr, IReadOnlyList<ProbeTaskInputs> inputs, EvaluateScrTppParams p)
    {
        var first = inputs[0].Probes;
        var s = first.Settings;
        var lookup = new JsonObject();
        foreach (var input in inputs)
        {
            var sets = input.Data.Sets;
            var pairs = sets.Pairs?.Select(x => (x.Positive.Name, x.Negative.Name))
                        ?? ConceptColumns.For(sets.Kind)!.DefaultScrPairs;   // TPP: SAEBench's config default, unused
            lookup[sets.JsonName] = new JsonArray(pairs.Select(x => (JsonNode?)new JsonArray(x.Item1, x.Item2)).ToArray());
        }
        return new JsonObject
        {
            ["random_seed"] = first.Seeds[0].Seed,
            ["dataset_names"] = new JsonArray(inputs.Select(i => (JsonNode?)i.Probes.JsonName).ToArray()),
            ["perform_scr"] = scr,
            ["early_stopping_patience"] = s.EarlyStoppingPatience,
            ["train_set_size"] = s.TrainSetSize,
            ["test_set_size"] = s.TestSetSize,
            ["context_length"] = first.Context,
            ["probe_train_batch_size"] = s.TrainBatchSize,
            ["probe_test_batch_size"] = 500,
            ["probe_epochs"] = s.Epochs,
            ["probe_lr"] = s.Lr,
            ["probe_l1_penalty"] = s.L1Penalty,
            ["sae_batch_size"] = 125,
            ["llm_batch_size"] = p.LlmBatchSize,
            ["llm_dtype"] = p.Subject.LlmDtype,
            ["lower_vram_usage"] = false,
            ["model_name"] = p.Subject.ModelName,
            ["n_values"] = new JsonArray(p.NValues.Select(n => (JsonNode?)n).ToArray()),
            ["column1_vals_lookup"] = lookup,
        };
    }

    /// <summary>SCR: metrics, details and unstructured from per-seed runs (seed order = the probes' seed order).</summary>
    public static (JsonObject Metrics, JsonArray Details, JsonObject Unstructured, JsonObject SeedSummary) Scr(
        IReadOnlyList<long> seeds, IReadOnlyList<List<ScrRunResult>> runsPerSeed, IReadOnlyList<ProbeTaskInputs> inputs, bool paddingLeak)
    {
        var keys = ScrScores.AllKeys(ScrTppDefaults.NValues);
        var averages = runsPerSeed.Select(runs => (IReadOnlyDictionary<string, double>)ScrScores.Average(runs.Select(r => r.Metrics))).ToList();
        var metrics = new JsonObject { ["scr_metrics"] = SeedStatistics.Metrics(averages[0], keys) };
        var details = Details(runsPerSeed[0].Select(r => (r.DetailName, (IReadOnlyDictionary<string, double>)r.Metrics)), keys);
        var summary = SeedStatistics.Summarize(seeds, averages, keys);
        var unstructured = new JsonObject
        {
            ["seeds"] = summary,
            ["details_per_seed"] = PerSeed(seeds, runsPerSeed.Select(runs => Details(runs.Select(r => (r.DetailName, (IReadOnlyDictionary<string, double>)r.Metrics)), keys)).ToList()),
            ["accuracies"] = PerSeed(seeds, runsPerSeed.Select(runs => new JsonObject(runs.Select(r => KeyValuePair.Create(r.DetailName, (JsonNode?)r.Accuracies)))).ToList()),
            ["skipped"] = new JsonArray(inputs.SelectMany(i => i.Data.Sets.Pairs!.Where(x => x.Skipped is not null)
                .Select(x => (JsonNode?)$"{i.Probes.JsonName} {x.Positive.Name}/{x.Negative.Name}: {x.Skipped}")).ToArray()),
            ["settings"] = Settings(paddingLeak),
        };
        return (metrics, details, unstructured, summary);
    }

    /// <summary>TPP: metrics (mean over data sets), details per data set, and SAEBench's per-class results of the first seed.</summary>
    public static (JsonObject Metrics, JsonArray Details, JsonObject Unstructured, JsonObject SeedSummary) Tpp(
        IReadOnlyList<long> seeds, IReadOnlyList<List<TppDatasetResult>> datasetsPerSeed, IReadOnlyList<ProbeTaskInputs> inputs, bool paddingLeak)
    {
        var keys = TppScores.AllKeys(ScrTppDefaults.NValues);
        var averages = datasetsPerSeed.Select(ds => (IReadOnlyDictionary<string, double>)ScrScores.Average(ds.Select(d => d.Metrics))).ToList();
        var metrics = new JsonObject { ["tpp_metrics"] = SeedStatistics.Metrics(averages[0], keys) };
        var details = Details(datasetsPerSeed[0].Select(d => (d.DetailName, (IReadOnlyDictionary<string, double>)d.Metrics)), keys);
        var summary = SeedStatistics.Summarize(seeds, averages, keys);
        var unstructured = new JsonObject();
        foreach (var d in datasetsPerSeed[0])
            unstructured[d.JsonName] = new JsonObject(d.PerClass.Select(c => KeyValuePair.Create(c.Class,
                (JsonNode?)new JsonObject(c.Metrics.Select(kv => KeyValuePair.Create(kv.Key, SaeBenchEnvelope.Number(kv.Value)))))));
        unstructured["seeds"] = summary;
        unstructured["details_per_seed"] = PerSeed(seeds, datasetsPerSeed.Select(ds => Details(ds.Select(d => (d.DetailName, (IReadOnlyDictionary<string, double>)d.Metrics)), keys)).ToList());
        unstructured["accuracies"] = PerSeed(seeds, datasetsPerSeed.Select(ds => new JsonObject(ds.Select(d => KeyValuePair.Create(d.DetailName, (JsonNode?)d.Accuracies)))).ToList());
        unstructured["skipped"] = new JsonArray(inputs.SelectMany(i => i.Data.Sets.Seeds!.SelectMany(s => s.Skipped.Select(x => (JsonNode?)$"{i.Probes.JsonName} seed {s.Seed} {x}"))).ToArray());
        unstructured["settings"] = Settings(paddingLeak);
        return (metrics, details, unstructured, summary);
    }

    static JsonArray Details(IEnumerable<(string Name, IReadOnlyDictionary<string, double> Metrics)> runs, IReadOnlyList<string> keys) =>
        new(runs.Select(r =>
        {
            var entry = new JsonObject { ["dataset_name"] = r.Name };
            foreach (var (k, v) in SeedStatistics.Metrics(r.Metrics, keys)) entry[k] = v?.DeepClone();
            return (JsonNode?)entry;
        }).ToArray());

    static JsonObject PerSeed(IReadOnlyList<long> seeds, IReadOnlyList<JsonNode> values) =>
        new(seeds.Select((s, i) => KeyValuePair.Create(s.ToString(System.Globalization.CultureInfo.InvariantCulture), (JsonNode?)values[i])));

    static JsonObject Settings(bool paddingLeak) => new()
    {
        ["padding_leak"] = paddingLeak,
        ["probe_training"] = "SAEBench train_probe_gpu: BCE + L1 on weights, AdamW (wd 0.01), best test epoch; float32 on the CPU",
        ["random_streams"] = "probe initialisation, minibatch order and negative draws come from this pipeline's seeded streams, not torch's",
    };
}
