using SaePipeline.Activations;
using SaePipeline.Artifacts;
using SaePipeline.Config;
using SaePipeline.Plan;
using SaePipeline.Probes;

namespace SaePipeline.Tests.ScrTpp;

/// <summary>evals.scr / evals.tpp in pipeline.yaml: what they plan, what each setting makes stale, and their mistakes.</summary>
public sealed class ScrTppConfigTests
{
    const string Valid = """
        name: t
        model: builtin:micro
        activations:
          hook: blocks.1.hook_resid_post
          context: 64
          n_tokens: 8192
        datasets:
          reviews:
            kind: amazon_reviews
        saes:
          - name: a
            d_sae: 64
            l1_coefficient: 0.01
          - name: b
            d_sae: 64
            l1_coefficient: 0.02
        evals:
          seeds: [1, 2]
          probes:
            train_set_size: 400
          scr:
            datasets: [bias_in_bios]
            pairs:
              bias_in_bios: [[professor, nurse]]
          tpp:
            datasets: [bias_in_bios, reviews]
            classes:
              reviews: [Books, "6"]
        """;

    static PipelinePlan Plan(TempDir dir, string yaml, params string[] overrides) =>
        PipelinePlanner.Build(PipelineConfigLoader.Load(dir.File("pipeline.yaml", yaml), overrides), Path.Combine(dir.Path, "notes.txt"));

    static ConfigError SingleError(string yaml)
    {
        using var dir = new TempDir();
        var e = Assert.Throws<ConfigException>(() => PipelineConfigLoader.Load(dir.File("pipeline.yaml", yaml)));
        return Assert.Single(e.Errors, x => !x.IsWarning);
    }

    [Fact]
    public void EachDataSetGetsACacheAndProbesAndEachSaeItsEvaluations()
    {
        using var dir = new TempDir();
        var plan = Plan(dir, Valid);
        Assert.Equal(
        [
            "PrepareModel/model", "CacheActivations/mixed",
            "CacheActivations/bias_in_bios-scr", "TrainProbes/scr-bias_in_bios",
            "CacheActivations/bias_in_bios-tpp", "TrainProbes/tpp-bias_in_bios",
            "CacheActivations/reviews-tpp", "TrainProbes/tpp-reviews",
            "TrainSae/a", "EvaluateScr/a", "EvaluateTpp/a", "TrainSae/b", "EvaluateScr/b", "EvaluateTpp/b", "Report/t",
        ], plan.Items.Select(i => $"{i.Kind.Target}/{i.Name}"));
        var tpp = plan.Items.Single(i => i.Kind == StageTable.EvaluateTpp && i.Name == "a");
        Assert.Equal(["sae", "probes/bias_in_bios", "activations/bias_in_bios", "probes/reviews", "activations/reviews"], tpp.Inputs.Keys.Select(r => r.Name));
        Assert.Same(plan.Items.Single(i => i.Name == "tpp-reviews"), tpp.Inputs[new InputRole("probes/reviews")]);
        var report = plan.Items.Single(i => i.Kind == StageTable.Report);
        Assert.Contains("scr/b", report.Inputs.Keys.Select(r => r.Name));
        Assert.Contains("tpp/b", report.Inputs.Keys.Select(r => r.Name));

        // Rows per group are a quarter of the set sizes; classes become values, pairs names; TPP's sample needs the seeds.
        var reviews = Params<CacheActivationsParams>(plan, "reviews-tpp").Selection!;
        Assert.Equal((100, 250), (reviews.TrainPerGroup, reviews.TestPerGroup));
        Assert.Equal(["24", "6"], reviews.Classes);
        Assert.Equal([1L, 2], reviews.Seeds);
        var bios = Params<CacheActivationsParams>(plan, "bias_in_bios-scr").Selection!;
        Assert.Equal([["professor", "nurse"]], bios.Pairs);
        Assert.Null(bios.Seeds);
        Assert.Equal(["0", "1", "2", "6", "9"], Params<CacheActivationsParams>(plan, "bias_in_bios-tpp").Selection!.Classes);   // SAEBench's class_set1
        Assert.Equal("builtin:micro", Params<Evals.ScrTpp.EvaluateScrTppParams>(plan, "a", StageTable.EvaluateScr).Subject.ModelName);
    }

    static T Params<T>(PipelinePlan plan, string name, StageKind? kind = null) =>
        SaePipeline.Runtime.Json.Deserialize<T>(plan.Items.Single(i => i.Name == name && (kind is null || i.Kind == kind)).Params, name);

    [Fact]
    public void ASettingMakesStaleOnlyWhatReadsIt()
    {
        using var dir = new TempDir();
        Dictionary<string, string> Ids(params string[] overrides) =>
            Plan(dir, Valid, overrides).Items.ToDictionary(i => $"{i.Kind.Target}/{i.Name}", i => i.Id);
        var before = Ids();
        // The report shows the config, so any setting changes it; what matters here is which results rerun.
        string[] Changed(Dictionary<string, string> after) =>
            before.Keys.Where(k => before[k] != after[k] && !k.StartsWith("Report/", StringComparison.Ordinal)).Order().ToArray();

        // N values are scored per SAE: caches and probes stay.
        Assert.Equal(["EvaluateScr/a", "EvaluateScr/b"], Changed(Ids("evals.scr.n_values=[2,20]")));
        // The same pair written by value plans the same items.
        Assert.Empty(Changed(Ids("evals.scr.pairs.bias_in_bios=[[21,13]]")));
        // Seeds resample TPP's rows and retrain every probe, but SCR's rows are the first n of each quadrant whatever the seed.
        var seeds = Changed(Ids("evals.seeds=[1,2,3]"));
        Assert.DoesNotContain("CacheActivations/bias_in_bios-scr", seeds);
        Assert.Contains("CacheActivations/bias_in_bios-tpp", seeds);
        Assert.Contains("TrainProbes/scr-bias_in_bios", seeds);
        // Probe training settings leave the caches alone.
        var epochs = Changed(Ids("evals.probes.epochs=5"));
        Assert.DoesNotContain(epochs, k => k.StartsWith("CacheActivations/", StringComparison.Ordinal) || k.StartsWith("TrainSae/", StringComparison.Ordinal));
        Assert.Contains("TrainProbes/tpp-reviews", epochs);
    }

    [Fact]
    public void AnUnknownClassNamesExamples()
    {
        var e = SingleError(Valid.Replace("[[professor, nurse]]", "[[professer, nurse]]"));
        Assert.Equal("evals", e.KeyPath);
        Assert.Contains("'professer' is not a profession of bias_in_bios data", e.Message);
        Assert.Contains("accountant = 0", e.Message);
    }

    [Fact]
    public void NValuesAreSaeBenchs()
    {
        var e = SingleError(Valid.Replace("    pairs:", "    n_values: [2, 3]\n    pairs:"));
        Assert.Equal("evals.scr.n_values", e.KeyPath);
        Assert.Contains("3: SAEBench's JSON has keys only for N in 2, 5, 10, 20, 50, 100, 500", e.Message);
    }

    [Fact]
    public void ScrNeedsAModelAndLabelledDataWithTestFiles()
    {
        const string synthetic = """
            name: t
            synthetic: {n_features: 8, d_in: 4, n_tokens: 1000}
            saes:
              - name: a
                d_sae: 8
                l1_coefficient: 0.1
            evals:
              scr: {}
            """;
        Assert.Contains("this pipeline has no model", SingleError(synthetic).Message);
        Assert.Contains("'mixed' is a text data set; tpp needs a target and a spurious label",
                        SingleError(Valid.Replace("datasets: [bias_in_bios, reviews]", "datasets: [bias_in_bios, mixed]")
                                         .Replace("\n    classes:\n      reviews: [Books, \"6\"]", "")).Message);
        using var dir = new TempDir();
        dir.File("reviews.jsonl", "{\"text\": \"x\", \"category\": 1, \"rating\": 5.0}\n");
        var e = Assert.Throws<ConfigException>(() => PipelineConfigLoader.Load(dir.File("pipeline.yaml",
            Valid.Replace("    kind: amazon_reviews\n", "    kind: amazon_reviews\n    train: reviews.jsonl\n"))));
        Assert.Contains("'reviews' has no test file", Assert.Single(e.Errors).Message);
    }

    [Fact]
    public void PairsMustBeTwoClassesOfAListedDataSet()
    {
        Assert.Contains("[professor] is not a pair of two different classes", SingleError(Valid.Replace("[[professor, nurse]]", "[[professor]]")).Message);
        Assert.Contains("pairs are given for 'reviews', which is not in scr.datasets",
                        SingleError(Valid.Replace("bias_in_bios: [[professor, nurse]]", "bias_in_bios: [[professor, nurse]]\n      reviews: [[Books, Software]]")).Message);
        Assert.Contains("a seed is listed twice", SingleError(Valid.Replace("seeds: [1, 2]", "seeds: [1, 1]")).Message);
    }
}
