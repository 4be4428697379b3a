using System.Text.Json.Nodes;

namespace SaePipeline.PipelineTests;

/// <summary>
/// Absorption and sae-probes through `dotnet build -t:Experiment` at micro size: every SAE gets SAEBench's JSON for
/// both; their SAE-independent halves (PrepareAbsorption, PrepareSaeProbes) run once, and the model's sae-probes
/// baseline in each SAE's JSON is the one PrepareSaeProbes wrote; editing sae_probes' ks reruns only the SAEs' side,
/// and editing its task caps reruns the baselines too but never sparse probing.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class AbsorptionSaeProbesBuildTests
{
    const string Yaml = """
        name: micro-audit
        seed: 5
        model: builtin:micro
        activations:
          hook: blocks.1.hook_resid_post
          context: 64
          n_tokens: 16384
          n_heldout_tokens: 2048
          batch_rows: 16
        datasets:
          ag_news: {train_rows: 800, test_rows: 400}
        sae_defaults:
          d_sae: 64
          batch_size: 256
          training_tokens: 16384
          lr: 0.001
          lr_warmup_steps: 10
          sparsity_warmup_steps: 20
          shuffle_buffer_rows: 2048
        saes:
          - name: a
            l1_coefficient: 0.01
          - name: b
            l1_coefficient: 0.1
        evals:
          seeds: [1, 2]
          sparse_probing:
            datasets: [ag_news]
            k_values: [1]
            train_set_size: 200
            test_set_size: 100
            probe_epochs: 5
          sae_probes: {ks: [1, 2], max_train: 64, max_test: 32}
          absorption:
            icl_examples: 4
            probe_epochs: 5
            max_k_value: 3
            k_sparse_probe_batch_size: 64
            k_sparse_probe_num_epochs: 5
            min_gt_probe_f1: 0
            min_feats_for_eval: 1
        """;

    [Fact]
    public void EverySaeGetsBothJsonsAndTheSaeIndependentHalvesRunOnce()
    {
        using var w = new Workspace(Yaml);
        var first = w.Build();
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Equal(new[]
        {
            "CacheActivations/ag_news-sparse_probing", "CacheActivations/mixed", "EvaluateAbsorption/a", "EvaluateAbsorption/b",
            "EvaluateSaeProbes/a", "EvaluateSaeProbes/b", "EvaluateSparseProbing/a", "EvaluateSparseProbing/b", "PrepareAbsorption/first-letter",
            "PrepareModel/model", "PrepareSaeProbes/ag_news", "Report/report", "TrainProbes/sparse_probing-ag_news", "TrainSae/a", "TrainSae/b",
        }.Order(), first.RanNames);

        // The baseline, averaged here over the first seed's tasks, is what both SAEs' JSON report as the model's.
        var baselineFile = Assert.Single(Directory.GetFiles(Path.Combine(w.Artifacts, "sae_probes"), "sae_probes_llm.json", SearchOption.AllDirectories));
        var firstSeed = JsonNode.Parse(File.ReadAllText(baselineFile))!["seeds"]!.AsArray()[0]!;
        Assert.Equal(1, firstSeed["seed"]!.GetValue<long>());
        var tasks = firstSeed["tasks"]!.AsArray();
        Assert.Equal(4, tasks.Count);    // ag_news' four classes, each against the others
        double baselineAuc = tasks.Average(t => t!["scores"]!["auc"]!.GetValue<double>());
        foreach (var sae in new[] { "a", "b" })
        {
            var sp = w.NewestResult("sparse_probing_sae_probes", sae);
            Assert.Equal("sparse_probing_sae_probes", sp["eval_type_id"]!.GetValue<string>());
            Assert.Equal(baselineAuc, sp["eval_result_metrics"]!["llm"]!["llm_test_auc"]!.GetValue<double>(), 12);
            var metrics = sp["eval_result_metrics"]!["sae"]!;
            Assert.InRange(metrics["sae_top_1_test_auc"]!.GetValue<double>(), 0.0, 1.0);
            Assert.InRange(metrics["sae_top_2_test_auc"]!.GetValue<double>(), 0.0, 1.0);
            Assert.Null(metrics["sae_top_5_test_auc"]);    // k = 5 was not run
            Assert.Equal(tasks.Select(t => t!["task"]!.GetValue<string>()), sp["eval_result_details"]!.AsArray().Select(d => d!["dataset_name"]!.GetValue<string>()));
            Assert.Equal([1, 2], sp["eval_result_unstructured"]!["seeds"]!["seeds"]!.AsArray().Select(s => s!.GetValue<int>()));

            var abs = w.NewestResult("absorption_first_letter", sae);
            Assert.Equal("absorption_first_letter", abs["eval_type_id"]!.GetValue<string>());
            var mean = abs["eval_result_metrics"]!["mean"]!.AsObject();
            Assert.Equal(["mean_absorption_fraction_score", "mean_full_absorption_score", "mean_num_split_features",
                          "std_dev_absorption_fraction_score", "std_dev_full_absorption_score", "std_dev_num_split_features"], mean.Select(kv => kv.Key));
            Assert.InRange(mean["mean_absorption_fraction_score"]!.GetValue<double>(), 0.0, 1.0);
            Assert.InRange(mean["mean_full_absorption_score"]!.GetValue<double>(), 0.0, 1.0);
            var letters = abs["eval_result_details"]!.AsArray().Select(d => d!["first_letter"]!.GetValue<string>()).ToList();
            Assert.NotEmpty(letters);
            Assert.All(letters, l => Assert.Matches("^[a-z]$", l));
            Assert.Equal(letters.Count, letters.Distinct().Count());
        }
        string summary = File.ReadAllText(Path.Combine(w.Report, "summary.md"));
        Assert.Contains("sae-probes AUC@1", summary);
        Assert.Contains("absorption", summary);

        // ks only matter to the SAEs' probes.
        w.Yaml = w.Yaml.Replace("ks: [1, 2]", "ks: [1, 5]");
        var ks = w.Build();
        Assert.True(ks.ExitCode == 0, ks.Output);
        Assert.Equal(["EvaluateSaeProbes/a", "EvaluateSaeProbes/b", "Report/report"], ks.RanNames);

        // The task caps change the tasks, so the baselines rerun; sparse probing's probes and evaluations stay done.
        w.Yaml = w.Yaml.Replace("max_train: 64", "max_train: 32");
        var caps = w.Build();
        Assert.True(caps.ExitCode == 0, caps.Output);
        Assert.Equal(["EvaluateSaeProbes/a", "EvaluateSaeProbes/b", "PrepareSaeProbes/ag_news", "Report/report"], caps.RanNames);
    }
}
