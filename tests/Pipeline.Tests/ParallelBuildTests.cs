using System.Text.Json.Nodes;

namespace SaePipeline.PipelineTests;

/// <summary>
/// -p:Jobs=N runs independent items side by side (issue 20). The results must be those of -p:Jobs=1 byte for byte:
/// items compute independently, and an item's numbers do not depend on the threads it is given. Only wall-clock
/// fields (timings, dates) may differ.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class ParallelBuildTests
{
    /// <summary>
    /// The micro pipeline's cache and defaults, its three SAEs replaced by a sweep of eight, each trained long enough
    /// (a few seconds) that two trainings started together are seen to overlap even on a loaded machine.
    /// </summary>
    static readonly string EightSaes = MicroPipelines.ThreeSaes[..MicroPipelines.ThreeSaes.IndexOf("saes:", StringComparison.Ordinal)]
        .Replace("training_tokens: 16384", "training_tokens: 163840") + """
        saes:
          - name: relu
            sweep:
              l1_coefficient: [0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2]
        """;

    [Fact]
    public void TwoJobsGiveTheResultsOfOneAndRunItemsSideBySide()
    {
        using var serial = new Workspace(EightSaes);
        using var parallel = new Workspace(EightSaes);
        var one = serial.Build();
        Assert.True(one.ExitCode == 0, one.Output);
        var two = parallel.Build("Experiment", "-p:Jobs=2");
        Assert.True(two.ExitCode == 0, two.Output);

        Assert.Equal(18, two.Ran.Count);   // cache, 8 × (train, evaluate), report
        Assert.Equal(one.RanIdsButReport, two.RanIdsButReport);
        Assert.Equal(ResultFiles.Of(serial.Artifacts), ResultFiles.Of(parallel.Artifacts));
        Assert.Contains("Experiment: 18 of 18 items ran", two.Output);

        // Side by side: two trainings overlapped in time. (That an evaluation may start while another SAE trains is
        // ItemScheduleTests' to show: here an item's recorded span starts after its ~2 s of process start-up, longer
        // than these trainings, so the order of spans across stages depends on the machine's load.)
        var trainings = Spans(parallel.Artifacts, "saes");
        Assert.Contains(trainings, a => trainings.Any(b => b != a && b.Start < a.End && a.Start < b.End));

        var again = parallel.Build("Experiment", "-p:Jobs=2");
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Empty(again.Ran);
        Assert.Equal(18, again.UpToDate.Count);
    }

    [Fact]
    public void JobsMustBeAPositiveWholeNumber()
    {
        using var w = new Workspace(MicroPipelines.ThreeSaes);
        var build = w.Build("Experiment", "-p:Jobs=two");
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("error SAE1006: -p:Jobs must be a whole number of items to run at once (1, 2, …), got 'two'", build.Output);
        Assert.Empty(build.Ran);
    }

    /// <summary>
    /// -p:Devices hands each running item one device (CUDA_VISIBLE_DEVICES; on this CPU-only machine the items still run
    /// on the CPU). Written with a space: MSBuild would split -p:Devices=0,1 into two properties.
    /// </summary>
    [Fact]
    public void DevicesAreHandedOutOnePerRunningItem()
    {
        using var w = new Workspace(MicroPipelines.ThreeSaes);
        var build = w.Build("Experiment", "-p:Jobs=2", "-p:Devices=0 1", "-v:n");
        Assert.True(build.ExitCode == 0, build.Output);
        var devices = System.Text.RegularExpressions.Regex.Matches(build.Output, @"stage \w+ \S+: started on CUDA device (\d)")
            .Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(8, devices.Count);
        Assert.Equal(["0", "1"], devices.Distinct().Order());
    }

    [Fact]
    public void AnUnknownExecutorAndDevicesUnderSlurmAreRefused()
    {
        using var w = new Workspace(MicroPipelines.ThreeSaes);
        var build = w.Build("Experiment", "-p:Executor=pbs");
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("error SAE1006: -p:Executor must be local or slurm, got 'pbs'", build.Output);
        build = w.Build("Experiment", "-p:Executor=slurm", "-p:Devices=0 1");
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("error SAE1006: -p:Devices hands out this machine's GPUs; with -p:Executor=slurm ask Slurm for them instead", build.Output);
        Assert.Empty(build.Ran);
    }

    static List<(DateTimeOffset Start, DateTimeOffset End)> Spans(string artifacts, string stage) =>
        Directory.EnumerateFiles(Path.Combine(artifacts, stage), "manifest.json", SearchOption.AllDirectories)
            .Select(m => JsonNode.Parse(File.ReadAllText(m))!)
            .Select(m => (Start: m["started_utc"]!.GetValue<DateTimeOffset>(), Seconds: m["seconds"]!.GetValue<double>()))
            .Select(m => (m.Start, m.Start.AddSeconds(m.Seconds))).ToList();
}
