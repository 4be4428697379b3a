using System.Text.Json.Nodes;

namespace SaePipeline.PipelineTests;

/// <summary>
/// SCR and TPP through `dotnet build -t:Experiment` at micro size: the labelled caches and probes are made once, each
/// SAE gets SAEBench's JSON and a report row with mean ± sd; another SAE costs only its own training and scoring;
/// an evaluation-only setting reruns only the evaluations.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class ScrTppBuildTests
{
    const string Yaml = """
        name: micro-scr
        seed: 5
        model: builtin:micro
        activations:
          hook: blocks.1.hook_resid_post
          context: 64
          n_tokens: 16384
          n_heldout_tokens: 2048
          batch_rows: 16
        datasets:
          bias_in_bios: {train_rows: 6000, test_rows: 3000}
          amazon_reviews: {train_rows: 2000, test_rows: 1000}
        sae_defaults:
          d_sae: 128
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
          probes: {train_set_size: 80, test_set_size: 40, epochs: 5, early_stopping_patience: 5}
          scr:
            datasets: [bias_in_bios]
            pairs: {bias_in_bios: [[professor, nurse], [attorney, teacher]]}
            n_values: [2, 10, 20]
          tpp:
            datasets: [amazon_reviews]
            classes: {amazon_reviews: [Books, Software, "6"]}
            n_values: [2, 10, 20]
        """;

    static readonly string[] SaeIndependent =
    [
        "CacheActivations/amazon_reviews-tpp", "CacheActivations/bias_in_bios-scr", "CacheActivations/mixed", "PrepareModel/model",
        "TrainProbes/scr-bias_in_bios", "TrainProbes/tpp-amazon_reviews",
    ];

    static JsonNode Result(Workspace w, string eval, string sae) =>
        JsonNode.Parse(File.ReadAllText(Directory.GetFiles(Path.Combine(w.Artifacts, "evals", eval), $"micro-scr_{sae}_eval_results.json", SearchOption.AllDirectories).Single()))!;

    [Fact]
    public void ProbesAreTrainedOnceAndEachSaeIsScoredAgainstThem()
    {
        using var w = new Workspace(Yaml);
        var first = w.Build();
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Equal(SaeIndependent.Concat(["EvaluateScr/a", "EvaluateScr/b", "EvaluateTpp/a", "EvaluateTpp/b", "Report/report", "TrainSae/a", "TrainSae/b"]).Order(),
                     first.RanNames);

        foreach (var sae in new[] { "a", "b" })
        {
            var scr = Result(w, "scr", sae);
            Assert.Equal("scr", scr["eval_type_id"]!.GetValue<string>());
            Assert.Equal(21, scr["eval_result_metrics"]!["scr_metrics"]!.AsObject().Count);
            Assert.Equal(["builtin:bias_in_bios_scr_professor_nurse_results", "builtin:bias_in_bios_scr_attorney_teacher_results"],
                         scr["eval_result_details"]!.AsArray().Select(d => d!["dataset_name"]!.GetValue<string>()));
            Assert.NotNull(scr["eval_result_metrics"]!["scr_metrics"]!["scr_dir1_threshold_20"]);
            Assert.Null(scr["eval_result_metrics"]!["scr_metrics"]!["scr_dir1_threshold_5"]);   // N = 5 was not run
            Assert.Equal([1, 2], scr["eval_result_unstructured"]!["seeds"]!["seeds"]!.AsArray().Select(s => s!.GetValue<int>()));

            var tpp = Result(w, "tpp", sae);
            Assert.Equal(21, tpp["eval_result_metrics"]!["tpp_metrics"]!.AsObject().Count);
            Assert.Equal(["24", "30", "6"], tpp["eval_result_unstructured"]!["builtin:amazon_reviews"]!.AsObject().Select(kv => kv.Key));
        }
        string summary = File.ReadAllText(Path.Combine(w.Report, "summary.md"));
        Assert.Contains("| SCR@20 | TPP@20 |", summary);
        Assert.Matches(@"\| a \|.*\| -?\d\.\d{3} ± \d\.\d{3} \| -?\d\.\d{3} ± \d\.\d{3} \|", summary);

        var again = w.Build();
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Empty(again.Ran);

        // Another SAE: its training and scoring only; the caches and probes are reused.
        w.Yaml = w.Yaml.Replace("  - name: b\n", "  - name: c\n    l1_coefficient: 0.05\n  - name: b\n");
        Assert.Contains("name: c", w.Yaml);
        var added = w.Build();
        Assert.True(added.ExitCode == 0, added.Output);
        Assert.Equal(["EvaluateScr/c", "EvaluateTpp/c", "Report/report", "TrainSae/c"], added.RanNames);

        // How many latents are ablated is an evaluation setting: nothing upstream reruns.
        w.Yaml = w.Yaml.Replace("    n_values: [2, 10, 20]\n  tpp:", "    n_values: [2, 5, 20]\n  tpp:");
        Assert.Contains("n_values: [2, 5, 20]", w.Yaml);
        var nValues = w.Build();
        Assert.True(nValues.ExitCode == 0, nValues.Output);
        Assert.Equal(["EvaluateScr/a", "EvaluateScr/b", "EvaluateScr/c", "Report/report"], nValues.RanNames);
    }
}
