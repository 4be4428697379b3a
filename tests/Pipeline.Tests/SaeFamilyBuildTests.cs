using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace SaePipeline.PipelineTests;

/// <summary>
/// The SAE family through real builds: a TrainSae killed after a checkpoint resumes on the next build and ends where an
/// uninterrupted build ends, also when killed again during that resume or in the middle of writing a checkpoint; a sweep is one item per combination, so adding a value trains only that one; an SAE
/// trained elsewhere is evaluated without training.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class SaeFamilyBuildTests(SaeFamilyBuildTests.Uninterrupted uninterrupted, ITestOutputHelper output)
    : IClassFixture<SaeFamilyBuildTests.Uninterrupted>
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

    /// <summary>LongBatchTopK built once without interruption: where every killed build must end. Built on first use.</summary>
    public sealed class Uninterrupted : IDisposable
    {
        readonly Lazy<(Workspace Workspace, BuildResult Result)> built = new(() =>
        {
            var w = new Workspace(LongBatchTopK);
            try
            {
                var result = w.Build();
                Assert.True(result.ExitCode == 0, result.Output);
                Assert.DoesNotContain("resuming", result.Output);
                return (w, result);
            }
            catch
            {
                w.Dispose();
                throw;
            }
        });

        public Workspace Workspace => built.Value.Workspace;
        public BuildResult Result => built.Value.Result;

        public void Dispose()
        {
            if (built.IsValueCreated) built.Value.Workspace.Dispose();
        }
    }

    [Fact]
    public void AKilledTrainSaeResumesFromItsCheckpointAndEndsWhereAnUninterruptedBuildEnds()
    {
        using var killed = new Workspace(LongBatchTopK);
        string checkpoints = Path.Combine(killed.Artifacts, ".checkpoints", "TrainSae");
        using (var build = killed.Start())
        {
            build.WaitFor(() => CheckpointFile(killed) is not null, "TrainSae wrote a checkpoint");
            build.Kill();
        }
        Assert.DoesNotContain(Directory.EnumerateFiles(Path.Combine(killed.Artifacts, "saes"), "manifest.json", SearchOption.AllDirectories),
                              m => !m.Contains(".tmp-"));

        var resumed = killed.Build();
        Assert.True(resumed.ExitCode == 0, resumed.Output);
        Assert.Matches(@"resuming from the checkpoint at step [1-9][\d,]* of 5,000", resumed.Output);
        Assert.InRange(ResumedFrom(killed), 150, 4999);
        Assert.Empty(Directory.EnumerateFileSystemEntries(checkpoints));   // a finished item leaves no checkpoint behind

        // Same ids, and nothing left to run (the report's id names its workspace's pipeline file, so it differs).
        var again = killed.Build();
        Assert.Empty(again.Ran);
        Assert.Equal(uninterrupted.Result.RanIdsButReport, again.UpToDate.Where(i => !i.StartsWith("Report/", StringComparison.Ordinal)).Order());
        Assert.Equal(WeightHash(uninterrupted.Workspace), WeightHash(killed));
        Assert.Equal(Metrics(uninterrupted.Workspace), Metrics(killed));
    }

    /// <summary>
    /// Killed three times: after its first checkpoint; then during the resumed run, once that run has written a later
    /// checkpoint of its own (a resume of a resume); then in the middle of writing a checkpoint, its temp file half
    /// written. Each next build resumes from the last whole checkpoint, and the fourth ends where an uninterrupted build
    /// ends: the same weights and metrics, and no checkpoint (nor the dead writer's temp file) left behind.
    /// </summary>
    [Fact]
    public void KillsDuringAResumeAndMidCheckpointWriteStillEndWhereAnUninterruptedBuildEnds()
    {
        using var killed = new Workspace(LongBatchTopK);
        string checkpoints = Path.Combine(killed.Artifacts, ".checkpoints", "TrainSae");
        var clock = Stopwatch.StartNew();

        string file;
        using (var build = killed.Start())
        {
            build.WaitFor(() => CheckpointFile(killed) is not null, "TrainSae wrote its first checkpoint");
            build.Kill();
            file = CheckpointFile(killed)!;
        }
        long first = CheckpointStep(file);   // read after the kill: the step the next run must resume from
        output.WriteLine($"kill 1 at {clock.Elapsed.TotalSeconds:F1} s: checkpoint at step {first}");
        Assert.InRange(first, 150, 4999);   // 150 when the kill lands right after the first checkpoint (checkpoint_every_steps)

        using (var build = killed.Start())
        {
            build.WaitFor(() => CheckpointStep(file) > first, "the resumed run wrote a checkpoint of its own");
            build.Kill();
            Assert.Contains($"resuming from the checkpoint at step {first:N0} of 5,000", build.Output);
        }
        long second = CheckpointStep(file);
        output.WriteLine($"kill 2 at {clock.Elapsed.TotalSeconds:F1} s: checkpoint at step {second}");
        Assert.InRange(second, first + 150, 4999);

        // The third run's next checkpoint write stalls on a FIFO at its temp name, one pipe page in; the kill lands there.
        string spec = Path.Combine(killed.Artifacts, ".specs", "TrainSae", Path.GetFileName(Path.GetDirectoryName(file)) + ".json");
        string temp;
        long writing;
        using (var build = killed.Start())
        {
            int pid = 0;
            build.WaitFor(() => Workspace.ProcessesNaming(spec) is [var (p, _)] && (pid = p) > 0, "the stage process started");
            temp = $"{file}.tmp-{pid}";   // TrainingCheckpoint.Save writes <file>.tmp-<its pid>, then renames it over the checkpoint
            StalledWrite? planted = null;
            build.WaitFor(() => (planted = StalledWrite.TryPlant(temp)) is not null, "the FIFO was planted");
            using var stalled = planted!;
            build.WaitFor(() => stalled.Pending > 0, "the stage began writing a checkpoint into the FIFO");
            build.Kill();
            Assert.Contains($"resuming from the checkpoint at step {second:N0} of 5,000", build.Output);
            var written = stalled.ReadWritten();
            Assert.Equal(stalled.Capacity, written.Length);   // the dead writer got one page into a file of tens of KiB
            var header = System.Text.Encoding.UTF8.GetString(written, 8, written.Length - 8);
            var step = System.Text.RegularExpressions.Regex.Match(header, @"next_step(\\u0022|\\"")?:(\d+)");
            Assert.True(step.Success, $"no next_step at the start of the torn checkpoint: {header[..Math.Min(200, header.Length)]}");
            writing = long.Parse(step.Groups[2].Value);
        }
        Assert.True(File.Exists(temp), "the killed write left its temp file behind");
        long third = CheckpointStep(file);
        output.WriteLine($"kill 3 at {clock.Elapsed.TotalSeconds:F1} s: checkpoint at step {third}, killed while writing the one at step {writing}");
        Assert.InRange(third, second, 4999);
        Assert.Equal(third + 150, writing);   // the whole checkpoint before the torn one is what is left

        var finished = killed.Build();
        output.WriteLine($"finished at {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(finished.ExitCode == 0, finished.Output);
        Assert.Contains($"resuming from the checkpoint at step {third:N0} of 5,000", finished.Output);
        Assert.DoesNotContain("WARN ignoring the checkpoint", finished.Output);
        Assert.Equal(third, ResumedFrom(killed));
        Assert.Empty(Directory.EnumerateFileSystemEntries(checkpoints));   // the checkpoint and the torn temp file are gone
        Assert.Equal(WeightHash(uninterrupted.Workspace), WeightHash(killed));
        Assert.Equal(Metrics(uninterrupted.Workspace), Metrics(killed));
    }

    /// <summary>The TrainSae checkpoint file of the workspace's one SAE, or null before there is one.</summary>
    static string? CheckpointFile(Workspace w)
    {
        string checkpoints = Path.Combine(w.Artifacts, ".checkpoints", "TrainSae");
        return Directory.Exists(checkpoints)
            ? Directory.EnumerateFiles(checkpoints, "checkpoint.safetensors", SearchOption.AllDirectories).FirstOrDefault()
            : null;
    }

    /// <summary>
    /// The step a checkpoint resumes at: <c>next_step</c> in the JSON of its <c>state</c> metadata, read from the
    /// safetensors header (an 8-byte little-endian length, then JSON). The file is replaced by a rename, never written
    /// in place, so whatever is open is whole.
    /// </summary>
    static long CheckpointStep(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> length = stackalloc byte[8];
        stream.ReadExactly(length);
        var header = new byte[System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(length)];
        stream.ReadExactly(header);
        string state = JsonNode.Parse(header)!["__metadata__"]!["state"]!.GetValue<string>();
        return JsonNode.Parse(state)!["next_step"]!.GetValue<long>();
    }

    static long ResumedFrom(Workspace w) =>
        JsonNode.Parse(File.ReadAllText(Directory.EnumerateFiles(Path.Combine(w.Artifacts, "saes"), "manifest.json", SearchOption.AllDirectories).Single()))!
            ["info"]!["resumed_from_step"]!.GetValue<long>();

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
