using System.Text.Json.Nodes;
using SaePipeline.Reports;

namespace SaePipeline.Tests;

/// <summary>The comparison table's mean ± sample sd over a group's SAEs, checked against numbers worked by hand.</summary>
public sealed class ComparisonStatisticsTests
{
    internal static TrainingRow Row(string sae, double coreL0 = double.NaN, double lossRec = double.NaN, double scr = double.NaN,
                                    double tokensPerSecond = double.NaN, double? overhead = null) =>
        new TrainingRow(sae, "topk", "k 16", 1024, 16, 0.8, 0, 1.0, 60, tokensPerSecond)
        {
            Core = double.IsNaN(coreL0) && double.IsNaN(lossRec) ? null : new CoreMetrics(lossRec, 0.9, 0.7, coreL0, $"core/{sae}.json"),
            // The evaluation seeds' sd (0.5) must not leak into the spread across training seeds.
            Scr = double.IsNaN(scr) ? null : new SeedMetric("scr_metric_threshold_20", 20, scr, 0.5, 3, $"scr/{sae}.json"),
            CausalOverhead = overhead is { } r ? new CausalOverhead(100, 900, r * 1e-6, 1e-6, r) : null,
        };

    internal static JsonObject SaeEntry(string name, long seed, bool causal = false) => new()
    {
        ["name"] = name, ["architecture"] = "topk", ["k"] = 16, ["seed"] = seed,
        ["precision_adversarial"] = null, ["causal"] = causal ? new JsonObject { ["weight"] = 0.1 } : null,
    };

    [Fact]
    public void SampleSdUsesNMinusOneAndOneValueHasNoSd()
    {
        var three = SeedSpread.Of([0.90, 0.92, 0.97]);
        Assert.Equal(0.93, three.Mean, 12);
        Assert.Equal(Math.Sqrt(0.0013), three.Sd, 12);   // (0.03² + 0.01² + 0.04²) / (3 − 1)
        Assert.Equal(3, three.N);
        var one = SeedSpread.Of([0.5, double.NaN]);
        Assert.Equal(1, one.N);
        Assert.True(double.IsNaN(one.Sd));
        Assert.Equal("0.500", one.Show("F3"));
        Assert.Equal("0.930 ± 0.036", three.Show("F3"));
        Assert.Equal("–", SeedSpread.Of([]).Show("F3"));
    }

    [Fact]
    public void TheTableShowsEachGroupsMeanAndSdAcrossTrainingSeeds()
    {
        var groups = SeedGroups.Of([SaeEntry("t-seed1", 1), SaeEntry("t-seed2", 2), SaeEntry("t-seed3", 3), SaeEntry("c-seed1", 1, causal: true)]);
        TrainingRow[] rows =
        [
            Row("t-seed1", coreL0: 10, lossRec: 0.90, scr: 0.1, tokensPerSecond: 1000),
            Row("t-seed2", coreL0: 12, lossRec: 0.92, scr: 0.2, tokensPerSecond: 1000),
            Row("t-seed3", coreL0: 14, lossRec: 0.97, scr: 0.6, tokensPerSecond: 1000),
            Row("c-seed1", coreL0: 15, lossRec: 0.95, scr: 0.4, tokensPerSecond: 500, overhead: 2.0),
        ];
        string table = ComparisonTable.Markdown(groups, rows);
        Assert.Contains("| group | objective | architecture | sparsity | n | L0 (core) | loss rec. | SCR@20 | tokens/s | causal overhead |", table);
        // L0 10, 12, 14: 12 ± 2. loss rec.: 0.93 ± √0.0013. SCR 0.1, 0.2, 0.6: 0.3 ± √((0.04 + 0.01 + 0.09) / 2) = 0.3 ± 0.2646.
        Assert.Contains("| t | baseline | topk | k 16 | 3 | 12.00 ± 2.00 | 0.9300 ± 0.0361 | 0.300 ± 0.265 | 1,000 ± 0 | – |", table);
        Assert.Contains("| c | causal | topk | k 16 | 1 | 15.00 | 0.9500 | 0.400 | 500 | 2.00× |", table);
        Assert.Contains("sd here is across training seeds", table);
        Assert.DoesNotContain("NCES", table);   // no SAE has a causal evaluation
    }

    [Fact]
    public void AMetricSomeSaesLackSaysOverHowManyItIsAveraged()
    {
        var groups = SeedGroups.Of([SaeEntry("t-seed1", 1), SaeEntry("t-seed2", 2), SaeEntry("t-seed3", 3)]);
        string table = ComparisonTable.Markdown(groups, [Row("t-seed1", scr: 0.1), Row("t-seed2", scr: 0.3), Row("t-seed3")]);
        Assert.Contains("| 0.200 ± 0.141 (n 2) |", table);
    }

    [Fact]
    public void NoTableWhenEveryGroupHasOneSae()
    {
        var groups = SeedGroups.Of([SaeEntry("a", 1), SaeEntry("b", 1, causal: true)]);
        Assert.Equal("", ComparisonTable.Markdown(groups, [Row("a", coreL0: 10), Row("b", coreL0: 11)]));
    }

    [Fact]
    public void TheCausalOverheadIsReadFromTheTrainingManifest()
    {
        var info = JsonNode.Parse("""
            {"seconds": 60, "tokens_per_second": 1000, "final": {"l0": 16, "explained_variance": 0.8, "dead_latents": 0, "mse": 1},
             "causal_overhead": {"steps_with_term": 100, "steps_without_term": 900, "seconds_per_token_with_term": 3e-6,
                                 "seconds_per_token_without_term": 2e-6, "ratio": 1.5}}
            """);
        var overhead = TrainingRow.From("c", info, null).CausalOverhead;
        Assert.Equal(new CausalOverhead(100, 900, 3e-6, 2e-6, 1.5), overhead);
        info!.AsObject().Remove("causal_overhead");
        Assert.Null(TrainingRow.From("c", info, null).CausalOverhead);
    }
}
