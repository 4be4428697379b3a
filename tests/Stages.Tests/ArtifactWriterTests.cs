using SaePipeline.Artifacts;
using SaePipeline.Runtime;

namespace SaePipeline.Tests;

public sealed class ArtifactWriterTests
{
    static StageSpec Spec(string output) => new()
    {
        Stage = "TrainSae", Name = "a", Id = "a-12345678", Fingerprint = new string('1', 64), Output = output,
        Code = ProgramCode.Current.Of("SaePipeline.Sae", CodeSensitivity.Stage),
        Inputs = new Dictionary<string, SpecInput>(), Params = new() { ["x"] = 1 },
    };

    [Fact]
    public void NothingIsVisibleUntilCommitAndTheManifestListsEveryFile()
    {
        using var dir = new TempDir();
        string final = Path.Combine(dir.Path, "saes", "a-12345678");
        using (var writer = ArtifactWriter.Begin(final))
        {
            File.WriteAllText(Path.Combine(writer.Dir, "cfg.json"), "{}");
            Directory.CreateDirectory(Path.Combine(writer.Dir, "sub"));
            File.WriteAllText(Path.Combine(writer.Dir, "sub", "w.bin"), "abc");
            Assert.False(Directory.Exists(final));
            writer.Commit(Spec("saes/a-12345678"));
        }
        var manifest = Manifest.Load(final, verifyHashes: true);
        Assert.Equal(["cfg.json", "sub/w.bin"], manifest.Files.Select(f => f.Path));
        Assert.Equal(Hashing.Sha256Hex("abc"), manifest.Files[1].Sha256);
        Assert.Equal(1, manifest.Params["x"]!.GetValue<int>());
    }

    [Fact]
    public void AnAbandonedWriterLeavesNothingThatCounts()
    {
        using var dir = new TempDir();
        string final = Path.Combine(dir.Path, "a-12345678");
        using (var writer = ArtifactWriter.Begin(final))
            File.WriteAllText(Path.Combine(writer.Dir, "half.bin"), "x");
        Assert.False(Directory.Exists(final));
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void LeftoversOfDeadProcessesAreRemovedAndLiveOnesKept()
    {
        using var dir = new TempDir();
        string final = Path.Combine(dir.Path, "a-12345678");
        string dead = final + ".tmp-999999999-abcdef01";   // no such pid
        string live = final + $".tmp-{Environment.ProcessId}-abcdef02";
        Directory.CreateDirectory(dead);
        Directory.CreateDirectory(live);
        using (var writer = ArtifactWriter.Begin(final)) writer.Commit(Spec("a-12345678"));
        Assert.False(Directory.Exists(dead));
        Assert.True(Directory.Exists(final));
    }

    [Fact]
    public void RecommitReplacesTheOldFolderWhole()
    {
        using var dir = new TempDir();
        string final = Path.Combine(dir.Path, "report");
        using (var w = ArtifactWriter.Begin(final)) { File.WriteAllText(Path.Combine(w.Dir, "old.md"), "1"); w.Commit(Spec("report")); }
        using (var w = ArtifactWriter.Begin(final)) { File.WriteAllText(Path.Combine(w.Dir, "new.md"), "2"); w.Commit(Spec("report")); }
        Assert.Equal(["manifest.json", "new.md"], Directory.EnumerateFiles(final).Select(Path.GetFileName).Order());
        Assert.Single(Directory.EnumerateDirectories(dir.Path));
    }

    [Fact]
    public void ManifestCheckNamesATruncatedFile()
    {
        using var dir = new TempDir();
        string final = Path.Combine(dir.Path, "a-12345678");
        using (var w = ArtifactWriter.Begin(final)) { File.WriteAllText(Path.Combine(w.Dir, "part-00000.parquet"), new string('x', 100)); w.Commit(Spec("a")); }
        string shard = Path.Combine(final, "part-00000.parquet");
        File.WriteAllText(shard, new string('x', 60));
        var e = Assert.Throws<PipelineException>(() => Manifest.Load(final));
        Assert.Contains($"{shard} has 60 bytes but", e.Message);
        Assert.Contains("records 100", e.Message);
    }

    [Fact]
    public void ManifestHashCheckNamesAModifiedFile()
    {
        using var dir = new TempDir();
        string final = Path.Combine(dir.Path, "a-12345678");
        using (var w = ArtifactWriter.Begin(final)) { File.WriteAllText(Path.Combine(w.Dir, "w.bin"), "aaaa"); w.Commit(Spec("a")); }
        File.WriteAllText(Path.Combine(final, "w.bin"), "aaab");
        Manifest.Load(final);   // same size: passes the cheap check
        var e = Assert.Throws<PipelineException>(() => Manifest.Load(final, verifyHashes: true));
        Assert.Contains("w.bin does not match the sha256", e.Message);
    }
}
