using System.Text.Json.Nodes;

namespace SaePipeline.PipelineTests;

/// <summary>
/// Core and sparse probing through `dotnet build -t:Experiment` at micro size: every SAE gets SAEBench's JSON with all
/// its keys; the SAE-independent passes (core's shared passes, the labelled caches and the language model's probes)
/// run once; and turning the shared-pass cache off reruns only the core evaluations, which then write the same numbers.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class CoreSparseProbingBuildTests
{
    const string Yaml = """
        name: micro-core
        seed: 5
        model: builtin:micro
        activations:
          hook: blocks.1.hook_resid_post
          context: 64
          n_tokens: 16384
          n_heldout_tokens: 2048
          batch_rows: 16
        datasets:
          bias_in_bios: {train_rows: 4000, test_rows: 2000}
          ag_news: {train_rows: 400, test_rows: 200}
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
          core: {batch_size_prompts: 4, n_eval_reconstruction_batches: 2, n_eval_sparsity_variance_batches: 3}
          causal: {rows: 2, statistics_batches: 2, interventions: [zero, mean]}
          sparse_probing:
            datasets: [bias_in_bios_class_set1, ag_news]
            k_values: [1, 5]
            train_set_size: 40
            test_set_size: 20
            probe_epochs: 5
        """;

    static readonly (string Category, string[] Keys)[] CoreKeys =
    [
        ("model_behavior_preservation", ["kl_div_score", "kl_div_with_ablation", "kl_div_with_sae"]),
        ("model_performance_preservation", ["ce_loss_score", "ce_loss_with_ablation", "ce_loss_with_sae", "ce_loss_without_sae"]),
        ("reconstruction_quality", ["explained_variance", "explained_variance_legacy", "mse", "cossim"]),
        ("shrinkage", ["l2_norm_in", "l2_norm_out", "l2_ratio", "relative_reconstruction_bias"]),
        ("sparsity", ["l0", "l1"]),
        ("token_stats", ["total_tokens_eval_reconstruction", "total_tokens_eval_sparsity_variance"]),
        ("misc_metrics", ["freq_over_1_percent", "freq_over_10_percent", "normalized_freq_over_1_percent", "normalized_freq_over_10_percent",
                          "average_max_encoder_cosine_sim", "average_max_decoder_cosine_sim", "frac_alive"]),
    ];

    [Fact]
    public void EverySaeGetsSaeBenchsJsonAndTheSharedPassesRunOnce()
    {
        using var w = new Workspace(Yaml);
        var first = w.Build();
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Equal(new[]
        {
            "CacheActivations/ag_news-sparse_probing", "CacheActivations/bias_in_bios-sparse_probing", "CacheActivations/mixed", "CacheActivations/mixed-core",
            "EvaluateCausal/a", "EvaluateCausal/b", "EvaluateCore/a", "EvaluateCore/b", "EvaluateSparseProbing/a", "EvaluateSparseProbing/b", "PrepareModel/model", "Report/report",
            "TrainProbes/sparse_probing-ag_news", "TrainProbes/sparse_probing-bias_in_bios", "TrainSae/a", "TrainSae/b",
        }.Order(), first.RanNames);

        foreach (var sae in new[] { "a", "b" })
        {
            var core = w.NewestResult("core", sae);
            Assert.Equal("core", core["eval_type_id"]!.GetValue<string>());
            var metrics = core["eval_result_metrics"]!.AsObject();
            Assert.Equal(CoreKeys.Select(c => c.Category), metrics.Select(kv => kv.Key));
            foreach (var (category, keys) in CoreKeys)
                Assert.Equal(keys, metrics[category]!.AsObject().Select(kv => kv.Key));
            Assert.Equal(2 * 4 * 64, metrics["token_stats"]!["total_tokens_eval_reconstruction"]!.GetValue<long>());
            Assert.Equal(3 * 4 * 64, metrics["token_stats"]!["total_tokens_eval_sparsity_variance"]!.GetValue<long>());
            Assert.InRange(metrics["model_performance_preservation"]!["ce_loss_score"]!.GetValue<double>(), 0.0, 1.0);
            Assert.Equal(16, core["eval_config"]!.AsObject().Count);
            var details = core["eval_result_details"]!.AsArray();
            Assert.Equal(64, details.Count);
            Assert.Equal(["index", "feature_density", "consistent_activation_heuristic", "encoder_bias", "encoder_norm", "encoder_decoder_cosine_sim",
                          "max_decoder_cosine_sim", "max_encoder_cosine_sim"], details[0]!.AsObject().Select(kv => kv.Key));

            var causal = w.NewestResult("causal", sae);
            Assert.Equal(["zero", "mean"], causal["eval_result_metrics"]!.AsObject().Select(kv => kv.Key));
            Assert.Equal(64, causal["eval_result_details"]!.AsArray().Count);
            Assert.InRange(causal["eval_result_metrics"]!["zero"]!["frac_dead"]!.GetValue<double>(), 0.0, 1.0);

            var sp = w.NewestResult("sparse_probing", sae);
            Assert.Equal(8, sp["eval_result_metrics"]!["llm"]!.AsObject().Count);
            Assert.Equal(8, sp["eval_result_metrics"]!["sae"]!.AsObject().Count);
            Assert.NotNull(sp["eval_result_metrics"]!["sae"]!["sae_top_5_test_accuracy"]);
            Assert.Null(sp["eval_result_metrics"]!["sae"]!["sae_top_2_test_accuracy"]);   // k = 2 was not run
            Assert.Equal(["builtin:bias_in_bios_class_set1_results", "builtin:ag_news_results"],
                         sp["eval_result_details"]!.AsArray().Select(d => d!["dataset_name"]!.GetValue<string>()));
            Assert.Equal(["0", "1", "2", "6", "9"], sp["eval_result_unstructured"]!["builtin:bias_in_bios_class_set1_results"]!["sae_test_accuracy"]!.AsObject().Select(kv => kv.Key));
            Assert.Equal([1, 2], sp["eval_result_unstructured"]!["seeds"]!["seeds"]!.AsArray().Select(s => s!.GetValue<int>()));
        }
        string summary = File.ReadAllText(Path.Combine(w.Report, "summary.md"));
        Assert.Contains("| loss rec. | KL score | EV (legacy) | L0 (core) | top-1 SAE | top-1 LLM | NCES median | inert |", summary);
        foreach (var plot in new[] { "training_curves", "frontier", "nces_histograms" })
        {
            Assert.Contains($"](plots/{plot}.png)", summary);
            var png = File.ReadAllBytes(Path.Combine(w.Report, "plots", $"{plot}.png"));
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        }
        Assert.False(File.Exists(Path.Combine(w.Report, "plots", "scr_vs_n.png")));   // no SCR in this plan

        var again = w.Build();
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Empty(again.Ran);

        // Without the shared-pass cache each SAE runs every pass itself: only the core evaluations rerun, with the same numbers.
        var cached = new[] { "a", "b" }.ToDictionary(s => s, s => w.NewestResult("core", s));
        w.Yaml = w.Yaml.Replace("  causal: {rows: 2, statistics_batches: 2, interventions: [zero, mean]}\n", "");
        var uncached = w.Build("Experiment", "-p:Set=evals.core.shared_pass_cache=false");
        Assert.True(uncached.ExitCode == 0, uncached.Output);
        Assert.Equal(["EvaluateCore/a", "EvaluateCore/b", "Report/report"], uncached.RanNames);
        foreach (var sae in new[] { "a", "b" })
        {
            var direct = w.NewestResult("core", sae);
            Assert.NotEqual(cached[sae]["eval_result_unstructured"]!["pipeline"]!["fingerprint"]!.ToJsonString(),
                            direct["eval_result_unstructured"]!["pipeline"]!["fingerprint"]!.ToJsonString());
            foreach (var key in new[] { "eval_config", "eval_result_metrics", "eval_result_details", "sae_cfg_dict" })
                Assert.Equal(cached[sae][key]!.ToJsonString(), direct[key]!.ToJsonString());
        }
    }
}
