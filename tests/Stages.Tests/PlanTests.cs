using SaePipeline.Config;
using SaePipeline.Plan;
using SaePipeline.Runtime;

namespace SaePipeline.Tests;

/// <summary>Fingerprints move exactly when something an item depends on moves (the Merkle chain).</summary>
public sealed class PlanTests
{
    const string Yaml = """
        name: p
        seed: 3
        synthetic:
          n_features: 32
          d_in: 16
        sae_defaults:
          d_sae: 64
        saes:
          - name: a
            l1_coefficient: 0.01
          - name: b
            l1_coefficient: 0.02
        """;

    static readonly TempDir Folder = new();

    static Dictionary<string, PlanItem> Plan(string yaml, params string[] overrides) => PlanIn(Folder, "/tmp/notes.txt", yaml, overrides);

    static Dictionary<string, PlanItem> PlanIn(TempDir dir, string notes, string yaml, params string[] overrides)
    {
        var loaded = PipelineConfigLoader.Load(dir.File("pipeline.yaml", yaml), overrides);
        return PipelinePlanner.Build(loaded, notes).Items.ToDictionary(i => $"{i.Kind.Target}/{i.Name}");
    }

    /// <summary>
    /// The shared cache (issue 20) finds a result by fingerprint, so a second clone elsewhere must plan the same ones:
    /// where the pipeline file and notes.txt are is the report's local setting, outside its fingerprint. Nor does
    /// where items run (the slurm section) change any.
    /// </summary>
    [Fact]
    public void WhereTheCloneLivesAndWhereItemsRunChangeNoFingerprint()
    {
        using var other = new TempDir();
        var here = Plan(Yaml);
        var there = PlanIn(other, Path.Combine(other.Path, "notes.txt"), Yaml + "\nslurm:\n  partition: gpu\n  stages:\n    TrainSae: {gres: \"gpu:1\", time: \"04:00:00\"}\n");
        Assert.Equal(here.Keys, there.Keys);
        Assert.Empty(Changed(here, there));
        Assert.Equal(Path.Combine(other.Path, "notes.txt"), there["Report/p"].ToSpec().Local!["notes_file"]!.GetValue<string>());
        Assert.Equal("pipeline.yaml", there["Report/p"].Params["pipeline_file"]!.GetValue<string>());
    }

    static IEnumerable<string> Changed(Dictionary<string, PlanItem> before, Dictionary<string, PlanItem> after) =>
        before.Keys.Where(k => before[k].Fingerprint != after[k].Fingerprint).Order();

    [Fact]
    public void ChangingOneL1CoefficientChangesThatSaeItsEvaluationAndTheReport() =>
        Assert.Equal(["EvaluateSynthetic/b", "Report/p", "TrainSae/b"], Changed(Plan(Yaml), Plan(Yaml, "saes.b.l1_coefficient=0.03")));

    [Fact]
    public void ChangingTheSourceChangesEverything() =>
        Assert.Equal(6, Changed(Plan(Yaml), Plan(Yaml, "synthetic.noise_std=0.01")).Count());

    [Fact]
    public void CommentsAndKeyOrderChangeNothing()
    {
        string reordered = Yaml.Replace("name: p\nseed: 3", "# an experiment\nseed: 3   # seed\nname: p");
        Assert.Empty(Changed(Plan(Yaml), Plan(reordered)));
    }

    [Fact]
    public void WritingADefaultExplicitlyChangesNoResult() =>
        Assert.Equal(["Report/p"], Changed(Plan(Yaml), Plan(Yaml, "saes.a.lr=0.001")));   // the report lists the override

    [Fact]
    public void IdsAreNamePlusFingerprintPrefix()
    {
        var item = Plan(Yaml)["TrainSae/a"];
        Assert.Equal($"a-{item.Fingerprint[..8]}", item.Id);
        Assert.Equal($"saes/{item.Id}", item.Output);
        // The report too is content-addressed, named by its experiment (report/p is a link to the current one).
        var report = Plan(Yaml)["Report/p"];
        Assert.Equal($"report/p-{report.Fingerprint[..8]}", report.Output);
    }

    [Fact]
    public void ParamsDiffNamesListEntriesByName()
    {
        var before = Plan(Yaml)["Report/p"].Params["config"];
        var after = Plan(Yaml, "saes.b.l1_coefficient=0.03")["Report/p"].Params["config"];
        Assert.Equal(["saes.b.l1_coefficient: 0.02 → 0.03"], ParamsDiff.Describe(before, after));
    }
}
