using SaePipeline.Artifacts;
using SaePipeline.Cache;
using SaePipeline.Runtime;

namespace SaePipeline.Tests.Cache;

/// <summary>
/// The shared result cache in a folder (issue 20): what one clone publishes another fetches byte for byte, and an
/// entry that is partial, corrupted or of another item is never used: the fetch is a miss, with a warning naming the
/// entry and the problem where there is one, and nothing is left in the artifacts root.
/// </summary>
public sealed class FolderCacheTests
{
    static readonly StageSpec Spec = new()
    {
        Stage = "TrainSae", Name = "a", Id = "a-12345678", Fingerprint = "12345678" + new string('9', 56), Output = "saes/a-12345678",
        Code = ProgramCode.Current.Of("SaePipeline.Sae", CodeSensitivity.Stage),
        Inputs = new Dictionary<string, SpecInput>(), Params = new() { ["l1"] = 0.05 },
    };

    static readonly string Key = ResultCache.Key(Spec.Stage, Spec.Id, Spec.Fingerprint);

    /// <summary>A finished result in <paramref name="root"/>, as a stage leaves it.</summary>
    static string Result(string root, string weights = "weights-0123456789")
    {
        string final = Path.Combine(root, Spec.Output);
        using var writer = ArtifactWriter.Begin(final);
        File.WriteAllText(Path.Combine(writer.Dir, "cfg.json"), """{"d_sae": 48}""");
        Directory.CreateDirectory(Path.Combine(writer.Dir, "checkpoints"));
        File.WriteAllText(Path.Combine(writer.Dir, "checkpoints", "sae_weights.safetensors"), weights);
        writer.Commit(Spec);
        return final;
    }

    static Dictionary<string, string> Files(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => Hashing.Sha256File(f));

    [Fact]
    public void WhatOneClonePublishesAnotherFetchesByteForByte()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        using var store = new TempDir();
        string made = Result(a.Path);
        using var cache = ResultCache.Open(store.Path);
        var warnings = new List<string>();

        Assert.True(CachedResult.Publish(cache, made, replaceDamaged: false, warnings.Add));
        Assert.True(File.Exists(Path.Combine(store.Path, Key, Manifest.FileName)));
        Assert.Empty(Directory.EnumerateDirectories(Path.GetDirectoryName(Path.Combine(store.Path, Key))!, ".tmp-*"));

        var fetch = CachedResult.TryFetch(cache, Spec, b.Path, warnings.Add);
        Assert.NotNull(fetch.Manifest);
        Assert.False(fetch.Damaged);
        Assert.Equal(Files(made), Files(Path.Combine(b.Path, Spec.Output)));   // the manifest too: timings are the maker's
        Assert.Empty(warnings);

        // Publishing the same item again keeps the entry there: same fingerprint, same result.
        Assert.False(CachedResult.Publish(cache, made, replaceDamaged: false, warnings.Add));
    }

    /// <summary>A copy cut short: the entry's folder with its files but not its manifest (no publisher of ours leaves one).</summary>
    [Fact]
    public void AnEntryWithoutItsManifestIsNotUsedAndTheNextPublishReplacesIt()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        using var store = new TempDir();
        using var cache = ResultCache.Open(store.Path);
        var warnings = new List<string>();
        CachedResult.Publish(cache, Result(a.Path), replaceDamaged: false, warnings.Add);
        File.Delete(Path.Combine(store.Path, Key, Manifest.FileName));

        var fetch = CachedResult.TryFetch(cache, Spec, b.Path, warnings.Add);
        Assert.Null(fetch.Manifest);
        Assert.True(fetch.Damaged);
        Assert.Contains("this cache entry is damaged (it has files but no manifest.json", Assert.Single(warnings));
        string saes = Path.Combine(b.Path, "saes");
        Assert.Empty(Directory.Exists(saes) ? Directory.GetFileSystemEntries(saes) : []);

        // Without the replace, the half entry would sit at the final name for good: a rename cannot land on it.
        Assert.True(CachedResult.Publish(cache, Path.Combine(a.Path, Spec.Output), replaceDamaged: fetch.Damaged, warnings.Add));
        Assert.NotNull(CachedResult.TryFetch(cache, Spec, b.Path, warnings.Add).Manifest);
    }

    public static TheoryData<string, string> Damages => new()
    {
        { "flipped", "does not match the sha256" },
        { "truncated", "has 5 bytes" },
        { "missing", "is listed in its manifest.json but missing" },
        { "manifest-garbage", "does not parse" },
        { "other-item", "is of TrainSae b-87654321" },
        { "escapes", "which is not a path inside the entry" },
        { "no-files", "does not parse" },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public void ADamagedEntryIsNeverUsedAndTheNextPublishReplacesIt(string damage, string expected)
    {
        using var a = new TempDir();
        using var b = new TempDir();
        using var store = new TempDir();
        using var cache = ResultCache.Open(store.Path);
        var warnings = new List<string>();
        string made = Result(a.Path);
        CachedResult.Publish(cache, made, replaceDamaged: false, warnings.Add);
        string entry = Path.Combine(store.Path, Key), weights = Path.Combine(entry, "checkpoints", "sae_weights.safetensors");
        string manifest = Path.Combine(entry, Manifest.FileName);
        switch (damage)
        {
            case "flipped": File.WriteAllText(weights, "weights-0123456788"); break;   // same size, one byte off
            case "truncated": File.WriteAllText(weights, "weigh"); break;
            case "missing": File.Delete(weights); break;
            case "manifest-garbage": File.WriteAllText(manifest, "{\"stage\": "); break;
            case "other-item": File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"a-12345678\"", "\"b-87654321\"")); break;
            case "escapes": File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"cfg.json\"", "\"../../../../outside.txt\"")); break;
            case "no-files":
                var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifest))!;
                node["files"] = null;
                File.WriteAllText(manifest, node.ToJsonString());
                break;
        }

        var fetch = CachedResult.TryFetch(cache, Spec, b.Path, warnings.Add);
        Assert.Null(fetch.Manifest);
        Assert.True(fetch.Damaged);
        string warning = Assert.Single(warnings);
        Assert.StartsWith($"{entry}: warning SAE6001: this cache entry is damaged (", warning);
        Assert.Contains(expected, warning);
        // Nothing of it reached the artifacts root: no result, no temp folder.
        string saes = Path.Combine(b.Path, "saes");
        Assert.Empty(Directory.Exists(saes) ? Directory.GetFileSystemEntries(saes) : []);
        Assert.False(File.Exists(Path.Combine(b.Path, "outside.txt")));

        // The item computed here replaces the damaged entry, and the next clone fetches it.
        Assert.True(CachedResult.Publish(cache, made, replaceDamaged: true, warnings.Add));
        using var c = new TempDir();
        Assert.NotNull(CachedResult.TryFetch(cache, Spec, c.Path, warnings.Add).Manifest);
        Assert.Equal(Files(made), Files(Path.Combine(c.Path, Spec.Output)));
    }

    [Fact]
    public void ACacheThatCannotBeWrittenCostsAWarningNotTheResult()
    {
        using var a = new TempDir();
        using var store = new TempDir();
        string blocked = Path.Combine(store.Path, "not-a-folder");
        File.WriteAllText(blocked, "a file where the cache folder should be");
        using var cache = ResultCache.Open(blocked);
        var warnings = new List<string>();
        string made = Result(a.Path);

        Assert.False(CachedResult.Publish(cache, made, replaceDamaged: false, warnings.Add));
        Assert.Contains($"{blocked}: warning SAE6003: cannot publish TrainSae a-12345678 to the cache (", Assert.Single(warnings));
        Assert.NotNull(Manifest.Load(made, verifyHashes: true));
    }

    [Fact]
    public void OfTwoPublishersOfOneItemOneWinsAndTheEntryIsWhole()
    {
        using var a = new TempDir();
        using var store = new TempDir();
        using var cache = ResultCache.Open(store.Path);
        string made = Result(a.Path);
        var results = new bool[8];
        Parallel.For(0, results.Length, i => results[i] = CachedResult.Publish(cache, made, replaceDamaged: false, _ => { }));
        Assert.True(results.Count(r => r) >= 1);
        Assert.Empty(Directory.EnumerateDirectories(Path.GetDirectoryName(Path.Combine(store.Path, Key))!, ".*"));
        using var b = new TempDir();
        Assert.NotNull(CachedResult.TryFetch(cache, Spec, b.Path, _ => { }).Manifest);
    }
}
