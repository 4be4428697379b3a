namespace SaePipeline.PipelineTests;

/// <summary>
/// -p:Cache (issue 20): a second clone that points at the first's cache computes nothing and ends with the same files,
/// report included; a damaged entry is recomputed, not used, and repaired; -t:Push and -t:Pull sync results made
/// without the cache.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class SharedCacheBuildTests
{
    [Fact]
    public void ASecondCloneFetchesEveryItemAndItsReportIsTheFirsts()
    {
        using var cache = new Workspace("");
        using var first = new Workspace(MicroPipelines.EightSaes);
        using var second = new Workspace(MicroPipelines.EightSaes);
        var made = first.Build("Experiment", $"-p:Cache={cache.Dir}", "-p:Jobs=2");
        Assert.True(made.ExitCode == 0, made.Output);
        Assert.Equal(18, made.Ran.Count);
        Assert.Contains("Experiment: 18 of 18 items ran, 0 from cache", made.Output);

        var fetched = second.Build("Experiment", $"-p:Cache={cache.Dir}");
        Assert.True(fetched.ExitCode == 0, fetched.Output);
        Assert.Empty(fetched.Ran);
        Assert.Equal(made.Ran.Order(), fetched.FromCache.Order());
        Assert.Contains("Experiment: 0 of 18 items ran, 18 from cache", fetched.Output);
        Assert.DoesNotContain("warning", fetched.Output);
        Assert.Equal(ResultFiles.Exactly(first.Artifacts), ResultFiles.Exactly(second.Artifacts));
        Assert.Equal(File.ReadAllText(Path.Combine(first.Report, "summary.md")), File.ReadAllText(Path.Combine(second.Report, "summary.md")));
        Assert.False(File.Exists(second.NotesFile));   // nothing was computed here; the entry is the first clone's

        var again = second.Build("Experiment", $"-p:Cache={cache.Dir}");
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Equal(18, again.UpToDate.Count);
        Assert.Empty(again.FromCache);
    }

    [Fact]
    public void ADamagedEntryIsComputedAgainAndRepaired()
    {
        using var cache = new Workspace("");
        using var first = new Workspace(MicroPipelines.ThreeSaes);
        Assert.Equal(0, first.Build("Experiment", $"-p:Cache={cache.Dir}").ExitCode);
        string weights = Directory.EnumerateFiles(Path.Combine(cache.Dir, "v1", "TrainSae"), "sae_weights.safetensors", SearchOption.AllDirectories)
            .Single(f => f.Contains("/a-", StringComparison.Ordinal));
        byte[] good = File.ReadAllBytes(weights), bad = (byte[])good.Clone();
        bad[^1] ^= 0xff;   // same size: only the sha256 tells
        File.WriteAllBytes(weights, bad);

        using var second = new Workspace(MicroPipelines.ThreeSaes);
        var build = second.Build("Experiment", $"-p:Cache={cache.Dir}");
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.Contains("warning SAE6001: this cache entry is damaged (sae_weights.safetensors does not match the sha256 its manifest.json records)", build.Output);
        Assert.Equal(["TrainSae/a"], build.RanNames);   // its evaluation's fingerprint is unchanged: fetched
        Assert.Equal(7, build.FromCache.Count);
        Assert.Equal(good, File.ReadAllBytes(weights));   // the recomputed result replaced the damaged entry
        Assert.Equal(ResultFiles.Of(first.Artifacts), ResultFiles.Of(second.Artifacts));
    }

    [Fact]
    public void PushThenPullFillsAnotherCloneWithoutComputing()
    {
        using var cache = new Workspace("");
        using var first = new Workspace(MicroPipelines.ThreeSaes);
        Assert.Equal(0, first.Build().ExitCode);
        var push = first.Build("Push", $"-p:Cache={cache.Dir}");
        Assert.True(push.ExitCode == 0, push.Output);
        Assert.Contains("push: 8 published, 0 already in the cache, 0 not built here (of 8)", push.Output);

        using var second = new Workspace(MicroPipelines.ThreeSaes);
        var pull = second.Build("Pull", $"-p:Cache={cache.Dir}");
        Assert.True(pull.ExitCode == 0, pull.Output);
        Assert.Contains("pull: 8 fetched, 0 already here, 0 not in the cache (of 8)", pull.Output);
        var build = second.Build();
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.Empty(build.Ran);
        Assert.Equal(8, build.UpToDate.Count);
        Assert.Equal(ResultFiles.Exactly(first.Artifacts), ResultFiles.Exactly(second.Artifacts));

        var noCache = second.Build("Push");
        Assert.NotEqual(0, noCache.ExitCode);
        Assert.Contains("error SAE1004: -t:Push needs the cache: -p:Cache=<folder> or -p:Cache=s3://bucket/prefix", noCache.Output);
    }

    /// <summary>A cache that cannot be reached slows nothing down and fails no build; a pull, which only reads it, fails.</summary>
    [Fact]
    public void AnUnreachableCacheCostsAWarningButFailsAPull()
    {
        using var w = new Workspace(MicroPipelines.ThreeSaes);
        // An S3 endpoint on a port nothing listens on (the listener is stopped before the build starts).
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        w.Environment["AWS_ENDPOINT_URL_S3"] = $"http://127.0.0.1:{port}";
        w.Environment["AWS_ACCESS_KEY_ID"] = "none";
        w.Environment["AWS_SECRET_ACCESS_KEY"] = "none";

        var build = w.Build("Experiment", "-p:Cache=s3://lab/sae-cache");
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.Equal(MicroPipelines.AllItems, build.RanNames);
        Assert.Contains("s3://lab/sae-cache: warning SAE6002: cannot read the cache (Connection refused", build.Output);
        Assert.Contains("s3://lab/sae-cache: warning SAE6003: cannot publish TrainSae a-", build.Output);
        Assert.Contains("Experiment: 8 of 8 items ran, 0 from cache", build.Output);

        using var empty = new Workspace(MicroPipelines.ThreeSaes);
        foreach (var (name, value) in w.Environment) empty.Environment[name] = value;
        var pull = empty.Build("Pull", "-p:Cache=s3://lab/sae-cache");
        Assert.NotEqual(0, pull.ExitCode);
        Assert.Contains("s3://lab/sae-cache: error SAE6002: cannot read the cache (Connection refused", pull.Output);
    }
}
