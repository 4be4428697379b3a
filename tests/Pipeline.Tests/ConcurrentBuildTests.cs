using System.Diagnostics;

namespace SaePipeline.PipelineTests;

/// <summary>
/// One build per artifacts root (issue 19 saw two simultaneous builds both run all 7 items and write the same TrainSae
/// folder): a second build fails at once with -p:Wait=false, naming the first; by default it waits, then finds
/// everything the first one built done.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class ConcurrentBuildTests
{
    /// <summary>The micro pipeline with training long enough (a few seconds) for the other builds to start meanwhile.</summary>
    static readonly string Slow = MicroPipelines.ThreeSaes.Replace("training_tokens: 16384", "training_tokens: 655360");

    [Fact]
    public async Task ASecondBuildOfTheSameArtifactsWaitsOrFailsAndNeverRunsAnItemTwice()
    {
        using var w = new Workspace(Slow);
        string holderFile = Path.Combine(w.Artifacts, ".build", "lock.holder");
        using var first = Process.Start(w.StartInfo("Experiment"))!;
        var firstOutput = first.StandardOutput.ReadToEndAsync();
        _ = first.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (!File.Exists(holderFile) && !first.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.True(File.Exists(holderFile), "the first build never took the lock");

        var refused = w.Build("Experiment", "-p:Wait=false");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("error SAE5002", refused.Output);
        Assert.Matches(@"is in use by another build \(pid \d+ on .*dotnet build of .*pipeline\.yaml\)", refused.Output);
        Assert.Empty(refused.Ran);
        Assert.False(first.HasExited, "the first build ended before the second was refused; make Slow slower");

        var waited = w.Build();
        first.WaitForExit();
        Assert.Equal(0, first.ExitCode);
        Assert.True(waited.ExitCode == 0, waited.Output);
        Assert.Contains("waiting for it to finish", waited.Output);
        Assert.Contains("the other build finished; going on after waiting", waited.Output);
        Assert.Empty(waited.Ran);   // everything was done by the first build
        Assert.Equal(8, waited.UpToDate.Count);
        Assert.Contains("ran in", await firstOutput);
        Assert.False(File.Exists(holderFile));   // released at the end of the build
    }
}
