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

    /// <summary>Plans from a fixed folder: the report's spec holds the pipeline file's path, so it must not vary here.</summary>
    static readonly TempDir Folder = new();

    static Dictionary<string, PlanItem> Plan(string yaml, params string[] overrides)
    {
        var dir = Folder;
        var loaded = PipelineConfigLoader.Load(dir.File("pipeline.yaml", yaml), overrides);
        return PipelinePlanner.Build(loaded, "/tmp/notes.txt").Items.ToDictionary(i => $"{i.Kind.Target}/{i.Name}");
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
