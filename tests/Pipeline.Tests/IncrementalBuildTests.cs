using System.Text.RegularExpressions;

namespace SaePipeline.PipelineTests;

/// <summary>
/// `dotnet build -t:Experiment` reruns exactly what an edit made stale. One workspace goes through a sequence of
/// edits; after each build the stage summary lines say what ran.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class IncrementalBuildTests
{
    static void AssertRan(BuildResult build, params string[] expected)
    {
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.Equal(expected.Order(), build.RanNames);
        Assert.Equal(MicroPipelines.AllItems.Length, build.Ran.Count + build.UpToDate.Count);   // one summary line per item
    }

    static int NotesEntries(Workspace w) =>
        File.Exists(w.NotesFile) ? Regex.Matches(File.ReadAllText(w.NotesFile), "^<!-- entry ", RegexOptions.Multiline).Count : 0;

    [Fact]
    public void EachEditRerunsExactlyWhatItMadeStale()
    {
        using var w = new Workspace(MicroPipelines.ThreeSaes);

        AssertRan(w.Build(), MicroPipelines.AllItems);
        Assert.True(File.Exists(Path.Combine(w.Report, "summary.md")));
        Assert.Equal(1, NotesEntries(w));

        // A second build runs nothing and appends nothing.
        AssertRan(w.Build());
        Assert.Equal(1, NotesEntries(w));

        // One SAE's l1: that SAE's training and evaluation, and the report.
        w.Yaml = w.Yaml.Replace("l1_coefficient: 0.1", "l1_coefficient: 0.15");
        AssertRan(w.Build(), "EvaluateSynthetic/b", "Report/report", "TrainSae/b");
        Assert.Equal(2, NotesEntries(w));
        Assert.Contains("changed: saes.b.l1_coefficient: 0.1 → 0.15", File.ReadAllText(w.NotesFile));

        // Comments and key order are not content.
        w.Yaml = "# micro pipeline\n" + w.Yaml.Replace("name: micro\nseed: 3", "seed: 3  # the seed\nname: micro");
        AssertRan(w.Build());
        Assert.Equal(2, NotesEntries(w));

        // -p:Set works like an edit (MSBuild splits at ';'; the split-off seed=3 must be taken back, unchanged).
        AssertRan(w.Build("Experiment", "-p:Set=saes.c.l1_coefficient=0.4;seed=3"), "EvaluateSynthetic/c", "Report/report", "TrainSae/c");

        // Dropping the override returns to results that still exist, the report among them: nothing runs, and the
        // experiment's report link points at the report of that plan again.
        string overridden = new DirectoryInfo(w.Report).LinkTarget!;
        Assert.Contains("saes.c.l1_coefficient=0.4", File.ReadAllText(Path.Combine(w.Report, "summary.md")));
        AssertRan(w.Build());
        Assert.NotEqual(overridden, new DirectoryInfo(w.Report).LinkTarget);
        Assert.DoesNotContain("saes.c.l1_coefficient=0.4", File.ReadAllText(Path.Combine(w.Report, "summary.md")));

        // The activation source feeds everything.
        w.Yaml = w.Yaml.Replace("n_tokens: 8192", "n_tokens: 6144");
        AssertRan(w.Build(), MicroPipelines.AllItems);
    }

    [Fact]
    public void StatusAndDagExplainWithoutRunning()
    {
        using var w = new Workspace(MicroPipelines.ThreeSaes);
        AssertRan(w.Build(), MicroPipelines.AllItems);
        w.Yaml = w.Yaml.Replace("l1_coefficient: 0.2", "l1_coefficient: 0.3");

        var status = w.Build("Status");
        Assert.Equal(0, status.ExitCode);
        Assert.Matches(@"TrainSae c-[0-9a-f]{8}: will run: changed since c-[0-9a-f]{8}: sae\.l1_coefficient: 0\.2 → 0\.3", status.Output);
        Assert.Matches(@"TrainSae a-[0-9a-f]{8}: up to date", status.Output);
        Assert.Contains("status: 3 of 8 items will run", status.Output);
        Assert.Empty(status.Ran);

        Assert.NotEqual(0, w.Build("Status", "-p:FailIfStale=true").ExitCode);

        var dag = w.Build("Dag");
        Assert.Matches(@"└─ TrainSae c-[0-9a-f]{8} \[will run\]", dag.Output);
        Assert.Matches(@"Report micro-[0-9a-f]{8} \[will run\] ← EvaluateSynthetic a-", dag.Output);   // the report is named by its experiment

        AssertRan(w.Build(), "EvaluateSynthetic/c", "Report/report", "TrainSae/c");
        Assert.Contains("status: all 8 items up to date", w.Build("Status", "-p:FailIfStale=true").Output);
    }
}
