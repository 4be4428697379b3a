using SaePipeline.Artifacts;
using SaePipeline.Config;
using SaePipeline.Plan;

namespace SaePipeline.Tests;

/// <summary>
/// A finished result whose files no longer match its manifest (a shard deleted or truncated by hand) is stale: Status
/// says so and why, and the plan moves it aside so the build reruns it, instead of every reader failing until someone
/// deletes it (issue 19).
/// </summary>
public sealed class DamagedResultTests
{
    [Theory]
    [InlineData("deleted", "part-00000.parquet is listed in manifest.json but missing")]
    [InlineData("truncated", "part-00000.parquet has 60 bytes but manifest.json records 100")]
    public void AResultWithAMissingOrShortFileIsStaleAndMovedAsideByThePlan(string damage, string reason)
    {
        using var dir = new TempDir();
        var loaded = PipelineConfigLoader.Load(dir.File("pipeline.yaml", """
            name: exp
            synthetic: {n_features: 8, d_in: 4}
            saes: [{name: a, d_sae: 8}]
            """));
        var plan = PipelinePlanner.Build(loaded, Path.Combine(dir.Path, "notes.txt"));
        string root = Path.Combine(dir.Path, "artifacts");
        PlanWriter.Write(plan, root);
        var cache = plan.Items.Single(i => i.Kind == StageTable.CacheActivations);
        string final = cache.OutputDir(root);
        using (var w = ArtifactWriter.Begin(final))
        {
            Directory.CreateDirectory(Path.Combine(w.Dir, "train"));
            File.WriteAllText(Path.Combine(w.Dir, "train", "part-00000.parquet"), new string('x', 100));
            w.Commit(cache.ToSpec());
        }
        Assert.Null(Staleness.Assess(plan, root).Single(s => s.Item == cache).Reason);

        string shard = Path.Combine(final, "train", "part-00000.parquet");
        if (damage == "deleted") File.Delete(shard);
        else File.WriteAllText(shard, new string('x', 60));

        string? why = Staleness.Assess(plan, root).Single(s => s.Item == cache).Reason;
        Assert.Equal($"its files no longer match its manifest.json (train/{reason})", why);

        var moved = new List<string>();
        PlanWriter.Write(plan, root, moved.Add);
        string line = Assert.Single(moved);
        Assert.StartsWith($"CacheActivations {cache.Id}: its files no longer match", line);
        Assert.False(Directory.Exists(final));
        string aside = Assert.Single(Directory.EnumerateDirectories(Path.GetDirectoryName(final)!, Path.GetFileName(final) + ".damaged-*"));
        Assert.Contains(Path.GetRelativePath(root, aside), line);
        Assert.True(File.Exists(Path.Combine(aside, Manifest.FileName)));   // kept to look at, not deleted
        Assert.Equal("not built yet", Staleness.Assess(plan, root).Single(s => s.Item == cache).Reason![..13]);

        Assert.Contains(Prune.Run(plan, root, dryRun: false), r => r.Path == aside);
        Assert.False(Directory.Exists(aside));
    }
}
