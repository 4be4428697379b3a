using SaePipeline.Artifacts;
using SaePipeline.Config;
using SaePipeline.Evals.Causal;
using SaePipeline.Plan;

namespace SaePipeline.Tests.Causal;

/// <summary>evals.causal in pipeline.yaml (what it plans, its mistakes) and its summary of an NCES distribution.</summary>
public sealed class CausalEvalTests
{
    const string Yaml = """
        name: t
        model: builtin:micro
        activations:
          hook: blocks.1.hook_resid_post
          context: 64
          n_tokens: 8192
        saes:
          - name: a
            d_sae: 64
            l1_coefficient: 0.01
        evals:
          core: {}
          causal: {interventions: [zero, random], rows: 2}
        """;

    [Fact]
    public void EachSaeGetsAnEvaluationReadingCoresSharedPasses()
    {
        using var dir = new TempDir();
        var plan = PipelinePlanner.Build(PipelineConfigLoader.Load(dir.File("pipeline.yaml", Yaml)), Path.Combine(dir.Path, "notes.txt"));
        var item = plan.Items.Single(i => i.Kind == StageTable.EvaluateCausal);
        Assert.Equal(["sae", "model", "reference"], item.Inputs.Keys.Select(r => r.Name));
        Assert.Equal("mixed-core", item.Inputs[new InputRole("reference")].Name);
        var p = Runtime.Json.Deserialize<EvaluateCausalParams>(item.Params, "a");
        Assert.Equal([InterventionKind.Zero, InterventionKind.Random], p.Settings.Interventions);
        Assert.Contains("causal/a", plan.Items.Single(i => i.Kind == StageTable.Report).Inputs.Keys.Select(r => r.Name));
    }

    [Fact]
    public void ItNeedsCoresSharedPassesAndKnownInterventions()
    {
        using var dir = new TempDir();
        var noCore = Assert.Throws<ConfigException>(() => PipelineConfigLoader.Load(dir.File("a.yaml", Yaml.Replace("  core: {}\n", ""))));
        Assert.Contains("evals.causal measures effects on core evaluation's rows", Assert.Single(noCore.Errors, e => !e.IsWarning).Message);
        var noCache = Assert.Throws<ConfigException>(() => PipelineConfigLoader.Load(dir.File("b.yaml", Yaml.Replace("core: {}", "core: {shared_pass_cache: false}"))));
        Assert.Contains("shared_pass_cache: true", Assert.Single(noCache.Errors, e => !e.IsWarning).Message);
        var unknown = Assert.Throws<ConfigException>(() => PipelineConfigLoader.Load(dir.File("c.yaml", Yaml.Replace("[zero, random]", "[zero, resample]"))));
        Assert.Contains("evals.causal.interventions", Assert.Single(unknown.Errors, e => !e.IsWarning).KeyPath);
    }

    [Fact]
    public void TheSummaryCountsDeadAmongAllAndInertAmongTheAlive()
    {
        // Five latents: one dead, two alive with effects below 1e-4 (inert), two with effects; NCES 0, 0.5e-4/2 … by hand.
        LatentEffect E(int i, double kl, double act) => new(i, kl, act, act > 0 ? 0.5 : 0, act > 0 ? kl / act : double.NaN);
        var effects = new[] { E(0, 0, 0), E(1, 0, 1), E(2, 5e-5, 2), E(3, 0.02, 2), E(4, 0.09, 3) };
        var s = CausalJson.Summary(effects, inertKl: 1e-4);
        Assert.Equal(0.2, s["frac_dead"]!.GetValue<double>(), 12);
        Assert.Equal(0.5, s["frac_inert"]!.GetValue<double>(), 12);
        // NCES of the alive, sorted: 0, 2.5e-5, 0.01, 0.03 → median (index round(1.5) = 2) 0.01, max 0.03, mean 0.01000625.
        Assert.Equal(0.01, s["nces_median"]!.GetValue<double>(), 12);
        Assert.Equal(0.03, s["nces_max"]!.GetValue<double>(), 12);
        Assert.Equal((0 + 2.5e-5 + 0.01 + 0.03) / 4, s["nces_mean"]!.GetValue<double>(), 12);
        Assert.Equal((0 + 0 + 5e-5 + 0.02 + 0.09) / 5, s["effect_kl_mean"]!.GetValue<double>(), 12);
    }
}
