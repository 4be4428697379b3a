using System.Diagnostics;

namespace SaePipeline.PipelineTests;

/// <summary>
/// -p:Executor=slurm (issue 20) against a real Slurm: the one-node cluster .ci/slurm-up.sh starts on this machine.
/// Each item is a batch job; the results must be a local build's, and a job Slurm ends early fails its item with the
/// job's id, state and log. Skipped where no cluster answers, except in CI, which must have one.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class SlurmBuildTests
{
    static void RequireCluster()
    {
        bool up = Run("sinfo", "-h -o %T") is { Code: 0 } s && s.Output.Split('\n').Any(l => l.Trim() is "idle" or "mixed" or "allocated");
        if (!up && Environment.GetEnvironmentVariable("CI") == "true")
            Assert.Fail("no Slurm cluster answers sinfo; .ci/run starts one with .ci/slurm-up.sh");
        Skip.IfNot(up, "no Slurm cluster answers sinfo (start one with: sudo bash .ci/slurm-up.sh)");
    }

    static (int Code, string Output) Run(string program, string arguments)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (127, e.Message);
        }
    }

    [SkippableFact]
    public void EachItemOfASweepIsAJobAndTheResultsAreALocalBuilds()
    {
        RequireCluster();
        using var local = new Workspace(MicroPipelines.EightSaes);
        using var cluster = new Workspace(MicroPipelines.EightSaes + "\nslurm:\n  time: \"00:10:00\"\n");
        var here = local.Build();
        Assert.True(here.ExitCode == 0, here.Output);
        var there = cluster.Build("Experiment", "-p:Executor=slurm");
        Assert.True(there.ExitCode == 0, there.Output);

        Assert.Equal(here.Ran.Order(), there.Ran.Order());
        Assert.Equal(18, System.Text.RegularExpressions.Regex.Matches(there.Output, @"Slurm job \d+ submitted \(--time=00:10:00\)").Count);
        Assert.Equal(ResultFiles.Of(local.Artifacts), ResultFiles.Of(cluster.Artifacts));
        // Each job's log streamed into the build, labelled by its item.
        Assert.Contains("TrainSae relu-", there.Output);
        Assert.Contains(": done, 64 steps in", there.Output);

        var again = cluster.Build("Experiment", "-p:Executor=slurm");
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Equal(18, again.UpToDate.Count);
        Assert.DoesNotContain("submitted", again.Output);
    }

    [SkippableFact]
    public void AJobSlurmEndsFailsItsItemWithTheJobAndItsLog()
    {
        RequireCluster();
        // TrainSae's jobs are held until cancelled here, as an operator's scancel (or a node failure) would end them.
        using var w = new Workspace(MicroPipelines.ThreeSaes + "\nslurm:\n  stages:\n    TrainSae: {extra_args: [\"--hold\"]}\n");
        using var build = w.Start("Experiment", "-p:Executor=slurm");
        string? job = null;
        build.WaitFor(() =>
        {
            Thread.Sleep(200);
            return (job = Run("squeue", "-h -n TrainSae-a -o %i").Output.Trim()) is { Length: > 0 };
        }, "TrainSae a's job to be queued");
        Assert.Equal(0, Run("scancel", job!).Code);
        foreach (var other in new[] { "TrainSae-b", "TrainSae-c" })
            Run("scancel", $"-n {other}");   // the build waits for the items it started before it fails
        var result = build.Wait();
        Assert.NotEqual(0, result.ExitCode);
        Assert.Matches($@"stage TrainSae a-[0-9a-f]{{8}}: failed after [0-9.]+ s \(Slurm job {job} ended CANCELLED; the end of its log ", result.Output);
        Assert.Contains("EvaluateSynthetic a-", result.Output);   // "not run, an item it reads failed"
        Assert.DoesNotMatch(@"stage Report \S+: ran in", result.Output);
    }

    [SkippableFact]
    public void AJobThatFailsFailsItsItemWithItsExitCodeAndTheEndOfItsLog()
    {
        RequireCluster();
        // The .NET runtime cannot start in a 1 MiB GC heap: TrainSae's jobs fail on their node, as a job with a broken
        // environment there would, while the cache job before them runs as usual.
        using var w = new Workspace(MicroPipelines.ThreeSaes + "\nslurm:\n  stages:\n    TrainSae: {extra_args: [\"--export=ALL,DOTNET_GCHeapHardLimit=0x100000\"]}\n");
        var build = w.Build("Experiment", "-p:Executor=slurm");
        Assert.NotEqual(0, build.ExitCode);
        Assert.Equal(["CacheActivations/synthetic"], build.RanNames);
        Assert.Matches(@"stage TrainSae a-[0-9a-f]{8}: failed after [0-9.]+ s \(Slurm job \d+ failed with exit code \d+; the end of its log \S+/\.build/slurm/TrainSae/a-[0-9a-f]{8}\.log:", build.Output);
        Assert.Contains("GC heap initialization failed", build.Output);
        Assert.Contains("not run, an item it reads failed", build.Output);
        Assert.Empty(Directory.Exists(Path.Combine(w.Artifacts, "saes")) ? Directory.GetDirectories(Path.Combine(w.Artifacts, "saes")) : []);
    }

    [SkippableFact]
    public void WithACacheACachedItemCostsNoJob()
    {
        RequireCluster();
        using var cache = new Workspace("");
        using var first = new Workspace(MicroPipelines.ThreeSaes);
        Assert.Equal(0, first.Build("Experiment", $"-p:Cache={cache.Dir}").ExitCode);
        using var second = new Workspace(MicroPipelines.ThreeSaes);
        var build = second.Build("Experiment", "-p:Executor=slurm", $"-p:Cache={cache.Dir}");
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.Equal(8, build.FromCache.Count);
        Assert.DoesNotContain("submitted", build.Output);
        Assert.Contains("Experiment: 0 of 8 items ran, 8 from cache", build.Output);
    }
}
