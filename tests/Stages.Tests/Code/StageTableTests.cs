using SaePipeline.Artifacts;
using SaePipeline.Config;
using SaePipeline.Plan;
using SaePipeline.Runtime;

namespace SaePipeline.Tests.Code;

/// <summary>The stage table is the one declaration of a stage: the targets file, the dispatch and the planner follow it.</summary>
public sealed class StageTableTests
{
    [Fact]
    public void TheTargetsFileIsTheOneTheTableGives()
    {
        string path = Path.Combine(Fixtures.RepoRoot, "build", "Stages.targets");
        Assert.True(File.ReadAllText(path) == StageTargets.Generate(),
            $"{path} is stale: regenerate it with `dotnet run --project src/Stages -- msbuild-targets build/Stages.targets`");
    }

    [Fact]
    public void EveryStageRunsCodeOfItsOwnFloor()
    {
        // A lambda in the table would be declared in the stage program, which no code fingerprint covers.
        foreach (var stage in StageTable.All)
            Assert.True(stage.EntryAssembly.StartsWith("SaePipeline.", StringComparison.Ordinal),
                $"{stage}: Run is declared in {stage.EntryAssembly}; make it a method of the stage's own project");
        Assert.Equal("SaePipeline.Evals.Core", StageTable.EvaluateCore.EntryAssembly);
        Assert.Equal("SaePipeline.Reports", StageTable.Report.EntryAssembly);
    }

    [Fact]
    public void NamesAreUniqueAndEveryStageComesAfterWhatItReads()
    {
        Assert.Equal(StageTable.All.Count, StageTable.All.Select(s => s.Target).Distinct().Count());
        Assert.Equal(StageTable.All.Count, StageTable.All.Select(s => s.Verb).Distinct().Count());
        Assert.Equal(StageTable.All.Count, StageTable.All.Select(s => s.Folder).Distinct().Count());
        for (int i = 0; i < StageTable.All.Count; i++)
            foreach (var read in StageTable.All[i].Reads)
                Assert.True(StageTable.All.ToList().IndexOf(read) < i, $"{StageTable.All[i]} reads {read}, which comes later in StageTable.All");
    }

    [Fact]
    public void AnUnknownCommandIsAnErrorThatListsTheStages()
    {
        var e = Assert.Throws<PipelineException>(() => Commands.Run("evaluate-cor", ["x.json"]));
        Assert.Contains("unknown command 'evaluate-cor'", e.Message);
        Assert.Contains("evaluate-core", e.Message);
        Assert.Contains("evaluate-core", Commands.Usage);
    }

    [Fact]
    public void ThePlannerGivesAStageOnlyTheInputsItDeclares()
    {
        var b = new PlanBuilder(CodeSensitivity.Stage);
        var model = b.Add(StageTable.PrepareModel, "model", new SaePipeline.Models.Prepare.PrepareModelParams { Source = "/m", FolderFingerprint = "f", Dtype = ModelDtype.Float32 }, []);
        var e = Assert.Throws<InvalidOperationException>(() =>
            b.Add(StageTable.TrainProbes, "p", new SaePipeline.Probes.TrainProbesParams { Task = "scr", Dataset = "d", Settings = new ProbeSettings(), Seeds = [1] },
                  new() { [InputRole.Activations] = model }));
        Assert.Contains("TrainProbes declares no input 'activations' made by PrepareModel", e.Message);
    }

    [Fact]
    public void EveryItemCarriesItsStagesCodeAndDifferentCodeMakesDifferentIds()
    {
        using var dir = new TempDir();
        var loaded = PipelineConfigLoader.Load(dir.File("pipeline.yaml", """
            name: p
            synthetic: {n_features: 8, d_in: 4}
            saes:
              - {name: a, d_sae: 8}
            """));
        var stage = PipelinePlanner.Build(loaded, "notes.txt");
        var program = PipelinePlanner.Build(loaded, "notes.txt", CodeSensitivity.Program);
        foreach (var item in stage.Items)
            Assert.Equal(ProgramCode.Current.Of(item.Kind.EntryAssembly, CodeSensitivity.Stage), item.Code);
        Assert.All(program.Items, i => Assert.Equal(ProgramCode.ProgramAssembly, i.Code.Entry));
        Assert.All(stage.Items.Zip(program.Items), p => Assert.NotEqual(p.First.Id, p.Second.Id));
    }
}
