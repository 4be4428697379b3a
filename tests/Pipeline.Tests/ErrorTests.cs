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
    public void TruncatedShardIsNamedAndNothingDownstreamIsBuilt()
    {
        using var w = new Workspace(MicroPipelines.ThreeSaes);
        Assert.Equal(0, w.Build().ExitCode);
        string shard = Directory.EnumerateFiles(Path.Combine(w.Artifacts, "activations"), "part-00001.parquet", SearchOption.AllDirectories).Single();
        var bytes = File.ReadAllBytes(shard);
        File.WriteAllBytes(shard, bytes[..(bytes.Length / 2)]);

        string saes = Path.Combine(w.Artifacts, "saes");
        var saesBefore = Listing(saes);
        w.Yaml = w.Yaml.Replace("l1_coefficient: 0.2", "l1_coefficient: 0.3");
        var build = w.Build();
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains($"{shard} has {bytes.Length / 2} bytes but", build.Output);
        Assert.Contains("stage TrainSae c-", build.Output);
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
