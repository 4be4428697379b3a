using SaePipeline.Evals;
using SaePipeline.Evals.ScrTpp;

namespace SaePipeline.Tests.ScrTpp;

/// <summary>SCR's and TPP's formulas and latent selection on numbers worked out by hand (docs/saebench.md §2.7, §2.9, §2.10).</summary>
public sealed class ScoreTests
{
    const double Tol = 1e-12;

    [Fact]
    public void ScrScoreIsTheClosedShareOfTheGapAndZeroBelowTheDenominatorFloor()
    {
        Assert.Equal(0.2 / 0.3, ScrScores.Score(ablated: 0.8, baseline: 0.6, oracle: 0.9), Tol);
        Assert.Equal(-1.0, ScrScores.Score(0.3, 0.6, 0.9), Tol);           // ablation can hurt: negative scores are kept
        Assert.Equal(0, ScrScores.Score(0.9, 0.6, 0.6005));                // gap 0.0005 < 0.001
        Assert.Equal(0, ScrScores.Score(0.9, 0.7, 0.6));                   // the biased probe beats the oracle: negative gap, also 0
        Assert.Equal(0.0005 / 0.0011, ScrScores.Score(0.6005, 0.6, 0.6011), 1e-9);   // just above the floor: a gap this small makes ratios jumpy
    }

    [Fact]
    public void MetricFollowsTheDirectionWhoseBaselineIsLowerAndIsAbsentOnATie()
    {
        var run = ScrScores.Run([2, 10], dir1: new Dictionary<int, double> { [2] = 0.7, [10] = 0.9 }, dir2: new Dictionary<int, double> { [2] = 0.85 },
                                base1: 0.6, oracle1: 0.95, base2: 0.8, oracle2: 0.9);
        Assert.Equal(0.1 / 0.35, run["scr_dir1_threshold_2"], Tol);
        Assert.Equal(0.3 / 0.35, run["scr_dir1_threshold_10"], Tol);
        Assert.Equal(0.05 / 0.1, run["scr_dir2_threshold_2"], Tol);
        Assert.Equal(run["scr_dir1_threshold_2"], run["scr_metric_threshold_2"]);      // base1 0.6 < base2 0.8: direction 1
        Assert.Equal(run["scr_dir1_threshold_10"], run["scr_metric_threshold_10"]);
        Assert.False(run.ContainsKey("scr_dir2_threshold_10"));                       // not scored (e.g. N above d_sae)

        var flipped = ScrScores.Run([2], new Dictionary<int, double> { [2] = 0.7 }, new Dictionary<int, double> { [2] = 0.85 }, 0.8, 0.95, 0.6, 0.9);
        Assert.Equal(flipped["scr_dir2_threshold_2"], flipped["scr_metric_threshold_2"]);

        var tie = ScrScores.Run([2], new Dictionary<int, double> { [2] = 0.7 }, new Dictionary<int, double> { [2] = 0.85 }, 0.7, 0.95, 0.7, 0.9);
        Assert.False(tie.ContainsKey("scr_metric_threshold_2"));
        Assert.True(tie.ContainsKey("scr_dir1_threshold_2") && tie.ContainsKey("scr_dir2_threshold_2"));
    }

    [Fact]
    public void RunsAverageOverTheRunsThatHaveTheKey()
    {
        var average = ScrScores.Average([new Dictionary<string, double> { ["a"] = 1, ["m"] = 2 }, new Dictionary<string, double> { ["a"] = 3 }]);
        Assert.Equal(2, average["a"], Tol);
        Assert.Equal(2, average["m"], Tol);   // one run omitted m (equal baselines): the mean is over the other alone
    }

    [Fact]
    public void TppScoresAreIntendedMinusMeanUnintended()
    {
        double[] clean = [0.9, 0.8, 0.7];
        var ablated = new List<IReadOnlyDictionary<int, double[]>>
        {
            new Dictionary<int, double[]> { [2] = [0.6, 0.75, 0.7] },
            new Dictionary<int, double[]> { [2] = [0.9, 0.5, 0.6] },
            new Dictionary<int, double[]> { [2] = [0.85, 0.8, 0.7] },
        };
        var perClass = TppScores.PerClass(clean, ablated, [2, 5]);
        Assert.Equal(0.3, perClass[0]["tpp_threshold_2_intended_diff_only"], Tol);
        Assert.Equal(0.025, perClass[0]["tpp_threshold_2_unintended_diff_only"], Tol);
        Assert.Equal(0.275, perClass[0]["tpp_threshold_2_total_metric"], Tol);
        Assert.Equal(0.25, perClass[1]["tpp_threshold_2_total_metric"], Tol);
        Assert.Equal(-0.025, perClass[2]["tpp_threshold_2_total_metric"], Tol);
        Assert.False(perClass[0].ContainsKey("tpp_threshold_5_total_metric"));
        Assert.Equal((0.275 + 0.25 - 0.025) / 3, ScrScores.Average(perClass)["tpp_threshold_2_total_metric"], Tol);
    }

    [Fact]
    public void NodeEffectsAreMeanDifferenceTimesAttribution()
    {
        // Four texts, three latents: Σ_t f over real tokens, and the real-token counts (the last text has none).
        var sums = new LatentSums([2, 0, 4, 4, 8, 0, 1, 1, 1, 5, 5, 5], DSae: 3, ValidTokens: [2, 4, 1, 0]);
        // Positives 0, 1: means (1,0,2) and (1,2,0) → (1,1,1). Negatives 2, 3: (1,1,1) and zeros → (0.5,0.5,0.5). Δ = 0.5 each.
        double[] g = [2, -1, 0];
        Assert.Equal([1, 0.5, 0], NodeEffects.Scr(sums, [0, 1], [2, 3], g));
        Assert.Equal([1, -0.5, 0], NodeEffects.Tpp(sums, [0, 1], [2, 3], g));
        // The mean difference is clamped at 0 for TPP: latents more active on the negatives get no effect.
        Assert.Equal([0, 0, 0], NodeEffects.Tpp(sums, [2, 3], [0, 1], g));
    }

    [Fact]
    public void TopNTakesNonZeroEffectsLargestFirstWithTiesToTheLowerIndex()
    {
        Assert.Equal([0, 1], NodeEffects.Top([1, 0.5, 0], 5));        // only two are non-zero
        Assert.Equal([0], NodeEffects.Top([1, -0.5, 0], 1));
        Assert.Equal([0, 1], NodeEffects.Top([1, -0.5, 0], 3));       // a negative (TPP) effect is still non-zero: ranked last
        Assert.Equal([1, 2, 0], NodeEffects.Top([0.5, 1, 1], 3));
        Assert.Empty(NodeEffects.Top([0, 0], 2));
    }
}
