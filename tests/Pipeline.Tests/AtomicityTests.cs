using System.Diagnostics;
using System.Text.Json.Nodes;

namespace SaePipeline.PipelineTests;

/// <summary>
/// A build killed while a stage is writing leaves nothing that counts as done; the next build redoes that item and
/// ends with the same result as a build that was never interrupted.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class AtomicityTests
{
    /// <summary>A cache large enough that writing it takes a few seconds, so the kill lands mid-write.</summary>
    static readonly string Pipeline = MicroPipelines.ThreeSaes
        .Replace("n_tokens: 8192", "n_tokens: 400000")
        .Replace("n_features: 24\n  d_in: 16", "n_features: 64\n  d_in: 64")
        .Replace("rows_per_shard: 4096", "rows_per_shard: 65536");

    [Fact]
    public void KillMidWriteLeavesNoManifestAndTheRebuildMatchesAnUninterruptedRun()
    {
        using var killed = new Workspace(Pipeline);
        string caches = Path.Combine(killed.Artifacts, "activations");
        using (var build = Process.Start(killed.StartInfo("Experiment"))!)
        {
            build.StandardOutput.ReadToEndAsync();
            build.StandardError.ReadToEndAsync();
            var deadline = DateTime.UtcNow.AddMinutes(5);
            string? tmp = null;
            while (tmp is null && DateTime.UtcNow < deadline && !build.HasExited)
            {
                tmp = Directory.Exists(caches)
                    ? Directory.EnumerateDirectories(caches, "*.tmp-*").FirstOrDefault(d => Directory.EnumerateFiles(d, "part-00001.parquet").Any())
                    : null;
                Thread.Sleep(10);
            }
            Assert.True(tmp is not null, "the cache never reached its second shard before the build ended");
            build.Kill(entireProcessTree: true);
            build.WaitForExit();
        }
        Thread.Sleep(500);   // let the killed stage process go away
        var finished = Directory.EnumerateDirectories(caches).Where(d => !d.Contains(".tmp-")).ToList();
        Assert.Empty(finished);   // no folder that looks done
        Assert.DoesNotContain(Directory.EnumerateFiles(killed.Artifacts, "manifest.json", SearchOption.AllDirectories), m => !m.Contains(".tmp-"));

        var resumed = killed.Build();
        Assert.True(resumed.ExitCode == 0, resumed.Output);
        Assert.Contains("CacheActivations/synthetic", resumed.RanNames);
        Assert.Empty(Directory.EnumerateDirectories(caches, "*.tmp-*"));   // the dead process's leftovers were removed

        using var clean = new Workspace(Pipeline);
        var uninterrupted = clean.Build();
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.Output);
        Assert.Equal(uninterrupted.RanIdsButReport, resumed.RanIdsButReport);   // same ids: same fingerprints
        foreach (var folder in new[] { "activations", "saes" })
            Assert.Equal(FileHashes(clean.Artifacts, folder, "training_log.csv"), FileHashes(killed.Artifacts, folder, "training_log.csv"));
        Assert.Equal(Metrics(clean.Artifacts), Metrics(killed.Artifacts));
    }

    /// <summary>(file, sha256) of every result file under a stage folder, from the manifests; logs with timings excluded.</summary>
    static List<string> FileHashes(string root, string folder, string exclude) =>
        Directory.EnumerateFiles(Path.Combine(root, folder), "manifest.json", SearchOption.AllDirectories)
            .SelectMany(m => JsonNode.Parse(File.ReadAllText(m))!["files"]!.AsArray()
                .Where(f => f!["path"]!.GetValue<string>() != exclude)
                .Select(f => $"{Path.GetFileName(Path.GetDirectoryName(m))}/{f!["path"]}:{f["sha256"]}"))
            .Order().ToList();

    static List<string> Metrics(string root) =>
        Directory.EnumerateFiles(Path.Combine(root, "evals"), "*_eval_results.json", SearchOption.AllDirectories)
            .Select(f => $"{Path.GetFileName(f)}:{JsonNode.Parse(File.ReadAllText(f))!["eval_result_metrics"]!.ToJsonString()}")
            .Order().ToList();
}
