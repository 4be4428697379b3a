using System.Globalization;
using System.Text.Json.Nodes;

namespace SaePipeline.PipelineTests;

/// <summary>
/// Both research objectives through `dotnet build -t:Experiment` at micro size, each against its baseline over two
/// training seeds: the precision-adversarial SAEs read SCR's cache and frozen probes and log their λ schedule, the
/// causal SAEs run the model after the hook and report their overhead against their own plain steps, and the report
/// compares each objective with its baseline. A second build runs nothing.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class ResearchObjectivesBuildTests
{
    const string Yaml = """
        name: micro-objectives
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
        sae_defaults:
          architecture: topk
          k: 8
          d_sae: 64
          batch_size: 256
          training_tokens: 16384
          lr: 0.001
          lr_warmup_steps: 10
          reconstruction_loss: normalized_mse
          shuffle_buffer_rows: 2048
          log_every_steps: 8
        saes:
          - name: base
            sweep: {seed: [1, 2]}
          - name: padv
            precision_adversarial: {dataset: bias_in_bios, pair: professor_nurse, lambda_every_steps: 16, texts_per_step: 8, ablated_latents: 4}
            sweep: {seed: [1, 2]}
          - name: causal
            causal: {rows: 2, latents: 4, every_steps: 2, intervention: mean}
            sweep: {seed: [1, 2]}
        evals:
          seeds: [1, 2]
          core: {batch_size_prompts: 4, n_eval_reconstruction_batches: 2, n_eval_sparsity_variance_batches: 2}
          causal: {rows: 2, statistics_batches: 2, interventions: [zero]}
          probes: {train_set_size: 80, test_set_size: 40, epochs: 5, early_stopping_patience: 5}
          scr:
            datasets: [bias_in_bios]
            pairs: {bias_in_bios: [[professor, nurse]]}
            n_values: [2, 20]
        """;

    static JsonNode Info(Workspace w, string sae) =>
        JsonNode.Parse(File.ReadAllText(Directory.GetDirectories(Path.Combine(w.Artifacts, "saes"), $"{sae}-*").Single() + "/manifest.json"))!["info"]!;

    static List<Dictionary<string, string>> Log(Workspace w, string sae)
    {
        var lines = File.ReadAllLines(Path.Combine(Directory.GetDirectories(Path.Combine(w.Artifacts, "saes"), $"{sae}-*").Single(), "training_log.csv"));
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [Fact]
    public void BothObjectivesTrainAgainstTheirBaselinesAndTheReportComparesThem()
    {
        using var w = new Workspace(Yaml);
        var first = w.Build();
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains("TrainSae/padv-seed2", first.RanNames);
        Assert.Contains("EvaluateCausal/causal-seed1", first.RanNames);

        // precision_adversarial: λ within its clamp, from accuracies measured on the pair's test texts.
        var padv = Log(w, "padv-seed1");
        Assert.All(padv, row =>
        {
            Assert.InRange(D(row["lambda"]), 0, 0.3);
            Assert.InRange(D(row["gender_accuracy"]), 0, 1);
            Assert.Equal(Math.Clamp(0.2 * (D(row["gender_accuracy"]) - (D(row["profession_accuracy"]) < 0.8 ? D(row["profession_accuracy"]) : 0)), 0, 0.3),
                         D(row["lambda"]), 5);
        });
        Assert.Equal("precision_adversarial", Info(w, "padv-seed1")["objective"]!.GetValue<string>());
        Assert.InRange(Info(w, "padv-seed1")["precision_adversarial"]!["ablated_latents"]!.AsArray().Count, 1, 4);

        // causal: the term runs on even steps only (its cells are empty on odd logged steps), and its cost is measured
        // against the same run's plain steps.
        var causal = Log(w, "causal-seed1");
        Assert.All(causal.Where(r => int.Parse(r["step"], CultureInfo.InvariantCulture) % 2 == 1), r => Assert.Equal("", r["causal_penalty"]));
        Assert.All(causal.Where(r => int.Parse(r["step"], CultureInfo.InvariantCulture) % 2 == 0), r => Assert.InRange(D(r["causal_penalty"]), 0, 1));
        var overhead = Info(w, "causal-seed1")["causal_overhead"]!;
        Assert.True(overhead["steps_with_term"]!.GetValue<long>() > 0 && overhead["steps_without_term"]!.GetValue<long>() > 0);
        Assert.True(overhead["ratio"]!.GetValue<double>() > 1, $"a step with the term runs the model; it cannot be cheaper: {overhead}");
        Assert.Null(Info(w, "base-seed1")["causal_overhead"]);

        // The same data stream and initialisation: the baseline and the objective differ only by the added term.
        Assert.NotEqual(Log(w, "base-seed1")[^1]["loss"], padv[^1]["loss"]);

        string summary = File.ReadAllText(Path.Combine(w.Report, "summary.md"));
        Assert.Contains("## Objective vs baseline", summary);
        Assert.Contains("padv", summary);
        Assert.Contains("causal", summary);
        string notes = File.ReadAllText(w.NotesFile);
        Assert.Contains("objective vs baseline", notes);

        var second = w.Build();
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Empty(second.Ran);
    }
}
