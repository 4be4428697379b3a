using SaePipeline.Artifacts;
using SaePipeline.Config;
using SaePipeline.Plan;
using SaePipeline.Sae;

namespace SaePipeline.Tests;

/// <summary>The research objectives in pipeline.yaml: what each needs from the rest of the config, and what the planner gives its TrainSae.</summary>
public sealed class ResearchObjectiveConfigTests
{
    const string Base = """
        name: t
        model: builtin:micro
        activations:
          hook: blocks.1.hook_resid_post
          context: 64
          n_tokens: 8192
        evals:
          seeds: [7, 8]
          scr: {datasets: [bias_in_bios]}
        sae_defaults:
          d_sae: 64
        saes:
          - name: base
          - name: padv
            precision_adversarial: {dataset: bias_in_bios}
          - name: causal
            causal: {intervention: random, choose: most_active}
        """;

    static LoadedConfig Load(TempDir dir, string yaml) => PipelineConfigLoader.Load(dir.File("pipeline.yaml", yaml));

    static ConfigError SingleError(string yaml)
    {
        using var dir = new TempDir();
        var e = Assert.Throws<ConfigException>(() => Load(dir, yaml));
        return Assert.Single(e.Errors, x => !x.IsWarning);
    }

    [Fact]
    public void EachObjectiveGetsWhatItReads()
    {
        using var dir = new TempDir();
        var plan = PipelinePlanner.Build(Load(dir, Base), Path.Combine(dir.Path, "notes.txt")).Items.ToDictionary(i => $"{i.Kind.Target}/{i.Name}");
        Assert.Equal(["activations"], plan["TrainSae/base"].Inputs.Keys.Select(r => r.Name));
        var padv = plan["TrainSae/padv"];
        Assert.Equal(["activations", "scr_activations", "scr_probes"], padv.Inputs.Keys.Select(r => r.Name).Order());
        Assert.Same(plan["TrainProbes/scr-bias_in_bios"], padv.Inputs[new InputRole("scr_probes")]);
        Assert.Equal(7, padv.Params["probe_seed"]!.GetValue<long>());   // the first evaluation seed
        var causal = plan["TrainSae/causal"];
        Assert.Same(plan["PrepareModel/model"], causal.Inputs[new InputRole("model")]);
        Assert.Equal("blocks.1.hook_resid_post", causal.Params["causal_rows"]!["hook"]!.GetValue<string>());
        Assert.Equal("most_active", causal.Params["sae"]!["causal"]!["choose"]!.GetValue<string>());
        // A setting of the objective is part of the SAE: changing it retrains that SAE alone.
        var changed = PipelinePlanner.Build(Load(dir, Base.Replace("{intervention: random,", "{intervention: mean,")), Path.Combine(dir.Path, "notes.txt"))
            .Items.ToDictionary(i => $"{i.Kind.Target}/{i.Name}");
        Assert.NotEqual(causal.Fingerprint, changed["TrainSae/causal"].Fingerprint);
        Assert.Equal(padv.Fingerprint, changed["TrainSae/padv"].Fingerprint);
    }

    [Fact]
    public void PrecisionAdversarialNeedsItsDataSetInScr()
    {
        var e = SingleError(Base.Replace("precision_adversarial: {dataset: bias_in_bios}", "precision_adversarial: {dataset: amazon_reviews}"));
        Assert.Equal(ConfigCodes.Inconsistent, e.Code);
        Assert.Contains("padv", e.Message);
        Assert.Contains("evals.scr.datasets", e.Message);
    }

    [Fact]
    public void TheProbeSeedMustBeAnEvaluationSeed()
    {
        var e = SingleError(Base.Replace("{dataset: bias_in_bios}", "{dataset: bias_in_bios, probe_seed: 9}"));
        Assert.Contains("probe_seed 9 is not one of evals.seeds (7, 8)", e.Message);
    }

    [Fact]
    public void AnSaeTrainsWithOneResearchObjective()
    {
        var e = SingleError(Base.Replace("    causal: {intervention: random, choose: most_active}",
                                         "    causal: {intervention: random, choose: most_active}\n    precision_adversarial: {dataset: bias_in_bios}"));
        Assert.Contains("one research objective", e.Message);
        Assert.Equal("saes.causal.causal", e.KeyPath);
    }

    [Fact]
    public void AnUnknownInterventionNamesItsKey()
    {
        var e = SingleError(Base.Replace("intervention: random", "intervention: shuffle"));
        Assert.Equal("saes.causal.causal.intervention", e.KeyPath);
    }
}
