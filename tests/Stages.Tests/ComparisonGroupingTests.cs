using System.Text.Json.Nodes;
using SaePipeline.Config;
using SaePipeline.Plan;
using SaePipeline.Reports;

namespace SaePipeline.Tests;

/// <summary>Which SAEs the report treats as one setting trained on several seeds, and which group is an objective's baseline.</summary>
public sealed class ComparisonGroupingTests
{
    static JsonObject Sae(string name, long? seed, double lr = 1e-3, JsonNode? precisionAdversarial = null) => new()
    {
        ["name"] = name, ["architecture"] = "topk", ["k"] = 16, ["lr"] = lr, ["seed"] = seed,
        ["precision_adversarial"] = precisionAdversarial, ["causal"] = null,
    };

    static JsonObject Padv() => new() { ["dataset"] = "bias_in_bios", ["pair"] = "professor_nurse", ["ablated_latents"] = 20 };

    [Fact]
    public void SaesDifferingOnlyInNameAndSeedFormOneGroupLabelledWithoutTheSeedSuffix()
    {
        var groups = SeedGroups.Of([Sae("topk-k16-seed1", 1), Sae("topk-k16-seed2", 2), Sae("padv-k16-seed1", 1, precisionAdversarial: Padv()),
                                    Sae("topk-k16-seed3", 3), Sae("padv-k16-seed2", 2, precisionAdversarial: Padv())]);
        Assert.Equal(["topk-k16", "padv-k16"], groups.Select(g => g.Label));
        Assert.Equal(["topk-k16-seed1", "topk-k16-seed2", "topk-k16-seed3"], groups[0].Saes);
        Assert.Equal(["padv-k16-seed1", "padv-k16-seed2"], groups[1].Saes);
        Assert.Equal(["baseline", "precision_adversarial"], groups.Select(g => g.Objective));
        Assert.Same(groups[0], SeedGroups.BaselineOf(groups[1], groups));
    }

    [Fact]
    public void ADifferingKeySplitsAGroupAndAnUnsetSectionEqualsAnAbsentOne()
    {
        var absent = Sae("b-seed2", 2);
        absent.Remove("causal");
        var groups = SeedGroups.Of([Sae("a-seed1", 1), Sae("a-seed2", 2, lr: 2e-3), Sae("b-seed1", 1), absent]);
        // a-seed1 and b-seed1/b-seed2 share a config: the first name labels the group; a-seed2's lr splits it off,
        // and its label "a" being taken, it keeps its full name.
        Assert.Equal(["a", "a-seed2"], groups.Select(g => g.Label));
        Assert.Equal(["a-seed1", "b-seed1", "b-seed2"], groups[0].Saes);
        Assert.Equal(["a-seed2"], groups[1].Saes);
        Assert.Null(SeedGroups.BaselineOf(groups[0], groups));   // a baseline is nobody's objective
    }

    [Fact]
    public void AnObjectiveWithoutAMatchingBaselineHasNone()
    {
        var groups = SeedGroups.Of([Sae("topk-seed1", 1, lr: 2e-3), Sae("padv-seed1", 1, precisionAdversarial: Padv())]);
        Assert.Null(SeedGroups.BaselineOf(groups[1], groups));
        var contrast = Assert.Single(ObjectiveContrasts.Of(groups, []));
        Assert.Null(contrast.Baseline);
        Assert.Contains("padv (precision_adversarial): no baseline group", ObjectiveContrasts.Markdown([contrast]));
        Assert.Contains("has no baseline group in this experiment", ContrastReading.Paragraph(contrast));
    }

    [Fact]
    public void ASeedSweepInPipelineYamlGroupsInTheReportsConfig()
    {
        const string yaml = """
            name: t
            description: "Does seed matter?"
            model: builtin:micro
            activations:
              hook: blocks.1.hook_resid_post
              context: 64
              n_tokens: 8192
            saes:
              - name: a
                d_sae: 64
                l1_coefficient: 0.01
                sweep: {seed: [1, 2, 3]}
              - name: b
                d_sae: 64
                l1_coefficient: 0.02
            """;
        using var dir = new TempDir();
        var plan = PipelinePlanner.Build(PipelineConfigLoader.Load(dir.File("pipeline.yaml", yaml)), Path.Combine(dir.Path, "notes.txt"));
        var p = Runtime.Json.Deserialize<ReportParams>(plan.Items.Single(i => i.Kind == StageTable.Report).Params, "report");
        Assert.Equal(["a-seed1", "a-seed2", "a-seed3", "b"], p.Saes);
        var groups = SeedGroups.Of(p.Config["saes"] as JsonArray);
        Assert.Equal(["a", "b"], groups.Select(g => g.Label));
        Assert.Equal(["a-seed1", "a-seed2", "a-seed3"], groups[0].Saes);
        Assert.All(groups, g => Assert.True(g.IsBaseline));
        Assert.Equal("Does seed matter?", p.Config["description"]!.GetValue<string>());
    }
}
