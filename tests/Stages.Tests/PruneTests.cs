using SaePipeline.Artifacts;
using SaePipeline.Config;
using SaePipeline.Plan;
using SaePipeline.Runtime;

namespace SaePipeline.Tests;

public sealed class PruneTests
{
    [Fact]
    public void RemovesOnlyOurOwnFoldersThatThePlanNoLongerUses()
    {
        using var dir = new TempDir();
        var loaded = PipelineConfigLoader.Load(dir.File("pipeline.yaml", """
            synthetic: {n_features: 8, d_in: 4}
            saes: [{name: a, d_sae: 8}]
            """));
        var plan = PipelinePlanner.Build(loaded, Path.Combine(dir.Path, "notes.txt"));
        string root = Path.Combine(dir.Path, "artifacts");
        PlanWriter.Write(plan, root);
        var current = plan.Items.Single(i => i.Kind == StageTable.TrainSae);
        string saes = Path.Combine(root, "saes");
        foreach (var name in new[] { current.Id, "a-0badf00d", "a-0badf00d.tmp-12345-abcdef01", "mine", "a-notahash" })
            Directory.CreateDirectory(Path.Combine(saes, name));
        string oldSpec = dir.File("artifacts/.specs/TrainSae/a-0badf00d.json", "{}");
        string oldCheckpoint = dir.File("artifacts/.checkpoints/TrainSae/a-0badf00d/checkpoint.safetensors", "x");
        string currentCheckpoint = dir.File($"artifacts/.checkpoints/TrainSae/{current.Id}/checkpoint.safetensors", "x");

        var listed = Prune.Run(plan, root, dryRun: true);
        Assert.Equal(5, Directory.EnumerateDirectories(saes).Count());   // a dry run deletes nothing
        var removed = Prune.Run(plan, root, dryRun: false);
        Assert.Equal(listed.Select(r => r.Path), removed.Select(r => r.Path));
        Assert.Equal([current.Id, "a-notahash", "mine"], Directory.EnumerateDirectories(saes).Select(Path.GetFileName).Order());
        Assert.False(File.Exists(oldSpec));
        Assert.False(File.Exists(oldCheckpoint));       // a checkpoint of an item the plan dropped can never resume
        Assert.True(File.Exists(currentCheckpoint));    // the current item has not finished: its checkpoint is kept

        File.WriteAllText(Path.Combine(saes, current.Id, "manifest.json"), "{}");   // now it has
        Prune.Run(plan, root, dryRun: false);
        Assert.False(File.Exists(currentCheckpoint));
        Assert.True(File.Exists(current.SpecPath(root)));
    }

    [Fact]
    public void KeepsTheCurrentReportAndItsLinkAndRemovesOlderReports()
    {
        using var dir = new TempDir();
        var loaded = PipelineConfigLoader.Load(dir.File("pipeline.yaml", """
            name: exp
            synthetic: {n_features: 8, d_in: 4}
            saes: [{name: a, d_sae: 8}]
            """));
        var plan = PipelinePlanner.Build(loaded, Path.Combine(dir.Path, "notes.txt"));
        string root = Path.Combine(dir.Path, "artifacts");
        var report = plan.Items.Single(i => i.Kind == StageTable.Report);
        string reports = Path.Combine(root, "report");
        foreach (var name in new[] { report.Id, "exp-0badf00d", "exp.old-12345-abcdef01", "exp.old-not-ours" })
            Directory.CreateDirectory(Path.Combine(reports, name));
        File.WriteAllText(Path.Combine(reports, report.Id, Manifest.FileName), Json.Serialize(new Manifest
        {
            Stage = "Report", Name = "exp", Id = report.Id, Fingerprint = report.Fingerprint, Params = [], Upstream = [],
            StartedUtc = DateTimeOffset.UnixEpoch, Seconds = 0, Files = [],
        }));
        PlanWriter.Write(plan, root);   // a finished current report: the plan points the experiment's link at it
        Assert.Equal(Path.Combine(reports, report.Id), CurrentLink.Target(Path.Combine(reports, "exp")));

        Prune.Run(plan, root, dryRun: false);
        Assert.Equal(new[] { "exp", "exp.old-not-ours", report.Id }.Order(StringComparer.Ordinal), Directory.EnumerateFileSystemEntries(reports).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(Path.Combine(reports, report.Id), CurrentLink.Target(Path.Combine(reports, "exp")));
    }
}
