namespace SaePipeline.PipelineTests;

/// <summary>Bad input fails the build with a message that names the file and leaves finished results alone.</summary>
[Collection(BuildCollection.Name)]
public sealed class ErrorTests
{
    static List<string> Listing(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Select(f => $"{Path.GetRelativePath(dir, f)} {new FileInfo(f).Length} {File.GetLastWriteTimeUtc(f):O}")
            .Order().ToList();

    [Fact]
    public void InvalidConfigFailsWithFileLineColumnAndTouchesNothing()
    {
        using var w = new Workspace(MicroPipelines.ThreeSaes);
        Assert.Equal(0, w.Build().ExitCode);
        var before = Listing(w.Artifacts);
        string notes = File.ReadAllText(w.NotesFile);

        w.Yaml = w.Yaml.Replace("seed: 3", "sed: 3").Replace("l1_coefficient: 0.2", "l1_coefficient: -0.2");
        var build = w.Build();
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains($"{w.PipelineFile}(2,1): error SAE1001: sed: unknown key 'sed' (did you mean 'seed'?)", build.Output);
        Assert.Contains($"{w.PipelineFile}(24,21): error SAE1003: saes.c.l1_coefficient: must be ≥ 0, got -0.2", build.Output);
        Assert.Empty(build.Ran);
        Assert.Equal(before, Listing(w.Artifacts));
        Assert.Equal(notes, File.ReadAllText(w.NotesFile));
    }

    [Fact]
    public void ADeletedOrTruncatedShardMakesItsCacheStaleAndTheBuildRerunsIt()
    {
        using var w = new Workspace(MicroPipelines.ThreeSaes);
        Assert.Equal(0, w.Build().ExitCode);
        string caches = Path.Combine(w.Artifacts, "activations");
        string shard = Directory.EnumerateFiles(caches, "part-00001.parquet", SearchOption.AllDirectories).Single();
        string cacheDir = Path.Combine(caches, Path.GetRelativePath(caches, shard).Split(Path.DirectorySeparatorChar)[0]);
        var shardBytes = File.ReadAllBytes(shard);
        var saesBefore = Listing(Path.Combine(w.Artifacts, "saes"));

        // Deleted: Status says why it will run, and the build reruns the cache and what reads it, to the same bytes.
        File.Delete(shard);
        var status = w.Build("Status");
        Assert.Contains("will run: its files no longer match its manifest.json", status.Output);
        Assert.Contains("part-00001.parquet is listed in manifest.json but missing", status.Output);
        var rebuilt = w.Build();
        Assert.True(rebuilt.ExitCode == 0, rebuilt.Output);
        Assert.Contains("moved the result aside to activations/", rebuilt.Output);
        Assert.Contains("CacheActivations/synthetic", rebuilt.RanNames);
        Assert.Equal(shardBytes, File.ReadAllBytes(shard));
        Assert.Single(Directory.EnumerateDirectories(caches, Path.GetFileName(cacheDir) + ".damaged-*"));   // kept for a look, until Prune

        // Truncated: the same.
        File.WriteAllBytes(shard, shardBytes[..(shardBytes.Length / 2)]);
        var again = w.Build();
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Contains("has " + shardBytes.Length / 2 + " bytes but manifest.json records", again.Output);
        Assert.Equal(shardBytes, File.ReadAllBytes(shard));
        Assert.Equal(saesBefore.Select(l => l.Split(' ')[0]), Listing(Path.Combine(w.Artifacts, "saes")).Select(l => l.Split(' ')[0]));
        Assert.Empty(w.Build().Ran);
    }

    [Fact]
    public void AShardWithAFlippedByteIsNamedAndNothingDownstreamIsBuilt()
    {
        using var w = new Workspace(MicroPipelines.ThreeSaes);
        Assert.Equal(0, w.Build().ExitCode);
        string shard = Directory.EnumerateFiles(Path.Combine(w.Artifacts, "activations"), "part-00001.parquet", SearchOption.AllDirectories).Single();
        var bytes = File.ReadAllBytes(shard);
        bytes[bytes.Length / 2] ^= 0x40;   // same size: only its sha256 tells, which the reading stage checks
        File.WriteAllBytes(shard, bytes);

        string saes = Path.Combine(w.Artifacts, "saes");
        var saesBefore = Listing(saes);
        w.Yaml = w.Yaml.Replace("l1_coefficient: 0.2", "l1_coefficient: 0.3");
        var build = w.Build();
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains($"{shard} does not match the sha256 recorded in", build.Output);
        Assert.Matches(@"stage TrainSae c-[0-9a-f]{8}: failed after", build.Output);
        Assert.DoesNotContain("   at ", build.Output);   // no stack trace
        Assert.Equal(saesBefore, Listing(saes));   // the failed training left no folder behind
    }

    [Fact]
    public void DivergingLossStopsTheStageWithAClearMessage()
    {
        using var w = new Workspace(MicroPipelines.ThreeSaes.Replace("  lr: 0.003", "  lr: 1.0e30"));
        var build = w.Build("TrainSae");
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("error SAE3001", build.Output);
        Assert.Matches(@"the loss became (NaN|∞|-∞|Infinity) at step \d+", build.Output);
        Assert.Contains("Nothing was saved", build.Output);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(w.Artifacts, "saes"), "manifest.json", SearchOption.AllDirectories));
    }
}
