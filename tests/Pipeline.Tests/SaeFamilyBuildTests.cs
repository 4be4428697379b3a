using System.Diagnostics;
using System.Text.Json.Nodes;

namespace SaePipeline.PipelineTests;

/// <summary>
/// The SAE family through real builds: a TrainSae killed after a checkpoint resumes on the next build and ends where an
/// uninterrupted build ends; a sweep is one item per combination, so adding a value trains only that one; an SAE
/// trained elsewhere is evaluated without training.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class SaeFamilyBuildTests
{
    /// <summary>One BatchTopK SAE (the most training state: threshold, AuxK counters) with thousands of small steps and frequent checkpoints.</summary>
    const string LongBatchTopK = """
        name: resume
        seed: 4
        synthetic:
          n_features: 24
          d_in: 16
          n_tokens: 16384
          n_heldout_tokens: 2048
          rows_per_shard: 8192
          rows_per_row_group: 1024
        saes:
          - name: btk
            architecture: batch_topk
            k: 3
            d_sae: 48
            lr: 0.003
            batch_size: 128
            training_tokens: 640000
            lr_warmup_steps: 10
            threshold_start_step: 100
            dead_after_tokens: 12800
            shuffle_buffer_rows: 2048
            checkpoint_every_steps: 150
            log_every_steps: 100
        """;

    [Fact]
    public void AKilledTrainSaeResumesFromItsCheckpointAndEndsWhereAnUninterruptedBuildEnds()
    {
        using var killed = new Workspace(LongBatchTopK);
        string checkpoints = Path.Combine(killed.Artifacts, ".checkpoints", "TrainSae");
        using (var build = Process.Start(killed.StartInfo("Experiment"))!)
        {
            build.StandardOutput.ReadToEndAsync();
            build.StandardError.ReadToEndAsync();
            var deadline = DateTime.UtcNow.AddMinutes(5);
            bool saved = false;
            while (!saved && DateTime.UtcNow < deadline && !build.HasExited)
            {
                saved = Directory.Exists(checkpoints) && Directory.EnumerateFiles(checkpoints, "checkpoint.safetensors", SearchOption.AllDirectories).Any();
                Thread.Sleep(5);
            }
            Assert.True(saved, "TrainSae never wrote a checkpoint before the build ended");
            build.Kill(entireProcessTree: true);
            build.WaitForExit();
        }
        Thread.Sleep(500);
        Assert.DoesNotContain(Directory.EnumerateFiles(Path.Combine(killed.Artifacts, "saes"), "manifest.json", SearchOption.AllDirectories),
                              m => !m.Contains(".tmp-"));

        var resumed = killed.Build();
        Assert.True(resumed.ExitCode == 0, resumed.Output);
        Assert.Matches(@"resuming from the checkpoint at step [1-9][\d,]* of 5,000", resumed.Output);
        var manifest = JsonNode.Parse(File.ReadAllText(Directory.EnumerateFiles(Path.Combine(killed.Artifacts, "saes"), "manifest.json", SearchOption.AllDirectories).Single()))!;
        Assert.InRange(manifest["info"]!["resumed_from_step"]!.GetValue<long>(), 150, 4999);
        Assert.Empty(Directory.EnumerateFileSystemEntries(checkpoints));   // a finished item leaves no checkpoint behind

        using var clean = new Workspace(LongBatchTopK);
        var uninterrupted = clean.Build();
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.Output);
        Assert.DoesNotContain("resuming", uninterrupted.Output);
        // Same ids, and nothing left to run (the report's id names its workspace's pipeline file, so it differs).
        var again = killed.Build();
        Assert.Empty(again.Ran);
        Assert.Equal(uninterrupted.RanIdsButReport, again.UpToDate.Where(i => !i.StartsWith("Report/", StringComparison.Ordinal)).Order());
        Assert.Equal(WeightHash(clean), WeightHash(killed));
        Assert.Equal(Metrics(clean), Metrics(killed));
    }

    static string WeightHash(Workspace w) =>
        JsonNode.Parse(File.ReadAllText(Directory.EnumerateFiles(Path.Combine(w.Artifacts, "saes"), "manifest.json", SearchOption.AllDirectories).Single()))!
            ["files"]!.AsArray().Single(f => f!["path"]!.GetValue<string>() == "sae_weights.safetensors")!["sha256"]!.GetValue<string>();

    static string Metrics(Workspace w, string sae = "btk") =>
        JsonNode.Parse(File.ReadAllText(Directory.EnumerateFiles(Path.Combine(w.Artifacts, "evals"), $"*_{sae}_eval_results.json", SearchOption.AllDirectories).Single()))!
            ["eval_result_metrics"]!.ToJsonString();

    /// <summary>The micro pipeline's cache and defaults, with one TopK entry swept over k instead of its three ReLU SAEs.</summary>
    static readonly string Sweep = MicroPipelines.ThreeSaes[..MicroPipelines.ThreeSaes.IndexOf("saes:", StringComparison.Ordinal)] + """
        saes:
          - name: topk
            architecture: topk
            sweep:
              k: [2, 4]
        """;

    [Fact]
    public void ASweepIsOneItemPerCombinationAndAnImportedSaeIsEvaluatedWithoutTraining()
    {
        using var w = new Workspace(Sweep);
        var first = w.Build();
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Equal(["CacheActivations/synthetic", "EvaluateSynthetic/topk-k2", "EvaluateSynthetic/topk-k4", "Report/report", "TrainSae/topk-k2", "TrainSae/topk-k4"],
                     first.RanNames);
        Assert.Contains("| topk-k4 | topk | k 4 |", File.ReadAllText(Path.Combine(w.Report, "summary.md")));

        w.Yaml = w.Yaml.Replace("k: [2, 4]", "k: [2, 4, 8]");
        var grown = w.Build();
        Assert.True(grown.ExitCode == 0, grown.Output);
        Assert.Equal(["EvaluateSynthetic/topk-k8", "Report/report", "TrainSae/topk-k8"], grown.RanNames);

        // The k=4 SAE's own folder, imported under another name: nothing trains, and its evaluation is the original's.
        string trained = Path.GetDirectoryName(Directory.EnumerateFiles(Path.Combine(w.Artifacts, "saes"), "cfg.json", SearchOption.AllDirectories)
            .Single(f => f.Contains("topk-k4-")))!;
        w.Yaml += $"\n  - name: imported\n    path: {trained}\n";
        var imported = w.Build();
        Assert.True(imported.ExitCode == 0, imported.Output);
        Assert.Equal(["EvaluateSynthetic/imported", "Report/report", "TrainSae/imported"], imported.RanNames);
        Assert.Contains("imported SAELens folder", imported.Output);
        Assert.Equal(Metrics(w, "topk-k4"), Metrics(w, "imported"));
    }
}
