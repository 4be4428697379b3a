using System.Text.Json.Nodes;
using SaePipeline.Reports;
using static SaePipeline.Tests.ComparisonStatisticsTests;

namespace SaePipeline.Tests;

/// <summary>The objective-vs-baseline contrast (Δ, Welch se, the 2-se verdict) and the reading generated from it.</summary>
public sealed class ComparisonContrastTests
{
    /// <summary>
    /// Three baseline and three causal SAEs with planted effects: SCR up by 0.2 over an sd of 0.01 (se 0.0082), tokens/s
    /// down by 500 over an sd of 10, and core L0 up by 1 over an sd of 2 (se 1.63, so within noise).
    /// </summary>
    static (IReadOnlyList<SeedGroup> Groups, TrainingRow[] Rows) Planted()
    {
        var groups = SeedGroups.Of([SaeEntry("base-seed1", 1), SaeEntry("base-seed2", 2), SaeEntry("base-seed3", 3),
                                    SaeEntry("obj-seed1", 1, causal: true), SaeEntry("obj-seed2", 2, causal: true), SaeEntry("obj-seed3", 3, causal: true)]);
        TrainingRow[] rows =
        [
            Row("base-seed1", coreL0: 10, scr: 0.10, tokensPerSecond: 1000),
            Row("base-seed2", coreL0: 12, scr: 0.12, tokensPerSecond: 1010),
            Row("base-seed3", coreL0: 14, scr: 0.11, tokensPerSecond: 990),
            Row("obj-seed1", coreL0: 11, scr: 0.30, tokensPerSecond: 500, overhead: 1.8),
            Row("obj-seed2", coreL0: 13, scr: 0.32, tokensPerSecond: 510, overhead: 2.0),
            Row("obj-seed3", coreL0: 15, scr: 0.31, tokensPerSecond: 490, overhead: 2.2),
        ];
        return (groups, rows);
    }

    [Fact]
    public void APlantedEffectIsHigherAndAPlantedNullIsWithinSeedNoise()
    {
        var (groups, rows) = Planted();
        var contrast = Assert.Single(ObjectiveContrasts.Of(groups, rows));
        Assert.Equal("obj", contrast.Objective.Label);
        Assert.Equal("base", contrast.Baseline!.Label);
        var scr = contrast.Metrics.Single(m => m.Metric.Name == "SCR@20");
        Assert.Equal(0.2, scr.Delta, 12);
        Assert.Equal(Math.Sqrt(0.01 * 0.01 / 3 * 2), scr.StandardError, 12);
        Assert.Equal(ContrastVerdict.Higher, scr.Verdict);
        var l0 = contrast.Metrics.Single(m => m.Metric.Name == "L0 (core)");
        Assert.Equal(1.0, l0.Delta, 12);
        Assert.Equal(Math.Sqrt(4.0 / 3 * 2), l0.StandardError, 12);
        Assert.Equal(ContrastVerdict.WithinSeedNoise, l0.Verdict);
        Assert.Equal(ContrastVerdict.Lower, contrast.Metrics.Single(m => m.Metric.Name == "tokens/s").Verdict);
        // The overhead is the objective's alone: no baseline SAE has it, so it is not contrasted but reported as cost.
        Assert.DoesNotContain(contrast.Metrics, m => m.Metric.Name == "causal overhead");
        Assert.Equal(2.0, contrast.Overhead.Mean, 12);

        string table = ObjectiveContrasts.Markdown([contrast]);
        Assert.Contains("| obj (causal) | base | SCR@20 | +0.200 | 0.008 | higher |", table);
        Assert.Contains("| obj (causal) | base | L0 (core) | +1.00 | 1.63 | within seed noise |", table);
        Assert.Contains("| obj (causal) | base | tokens/s | -500 | 8 | lower |", table);
    }

    [Fact]
    public void TheVerdictTurnsAtTwoStandardErrors()
    {
        var metric = new ComparisonMetric("m", _ => 0, "F3");
        // sd 0.2 on 4 seeds a side: se = √(0.01 + 0.01) = 0.1414, so 2 se = 0.283.
        MetricContrast C(double delta) => new(metric, new SeedSpread(delta, 0.2, 4), new SeedSpread(0, 0.2, 4));
        Assert.Equal(ContrastVerdict.Higher, C(0.29).Verdict);
        Assert.Equal(ContrastVerdict.WithinSeedNoise, C(0.27).Verdict);
        Assert.Equal(ContrastVerdict.WithinSeedNoise, C(-0.27).Verdict);
        Assert.Equal(ContrastVerdict.Lower, C(-0.29).Verdict);
    }

    [Fact]
    public void OneSeedASideGivesNoNoiseEstimate()
    {
        var metric = new ComparisonMetric("m", _ => 0, "F3");
        var each = new MetricContrast(metric, SeedSpread.Of([5.0]), SeedSpread.Of([1.0]));
        Assert.Equal(ContrastVerdict.NoNoiseEstimate, each.Verdict);
        Assert.True(double.IsNaN(each.StandardError));
        Assert.Equal("one seed each: no noise estimate", each.VerdictText);
        var oneBaseline = new MetricContrast(metric, SeedSpread.Of([5.0, 5.1, 4.9]), SeedSpread.Of([1.0]));
        Assert.Equal("one baseline seed: no noise estimate", oneBaseline.VerdictText);

        var groups = SeedGroups.Of([SaeEntry("base", 1), SaeEntry("obj", 1, causal: true)]);
        var contrast = Assert.Single(ObjectiveContrasts.Of(groups, [Row("base", scr: 0.1), Row("obj", scr: 0.5)]));
        Assert.Contains("| obj (causal) | base | SCR@20 | +0.400 | – | one seed each: no noise estimate |", ObjectiveContrasts.Markdown([contrast]));
        string reading = ContrastReading.Paragraph(contrast);
        Assert.Contains("no estimate of seed noise", reading);
        Assert.Contains("SCR@20 Δ +0.400", reading);
        Assert.DoesNotContain("more than 2 se", reading);
        Assert.DoesNotContain("weak test", reading);
    }

    [Fact]
    public void TheReadingNamesWhatMovedAndWhatDidNotWithTheSeedsAndTheCost()
    {
        var (groups, rows) = Planted();
        string reading = ContrastReading.Paragraph(Assert.Single(ObjectiveContrasts.Of(groups, rows)));
        var sentences = reading.Split(". ");
        string moved = Assert.Single(sentences, s => s.StartsWith("Differing by more than 2 se"));
        Assert.Contains("SCR@20 higher by 0.200", moved);
        Assert.Contains("tokens/s lower by 500", moved);
        Assert.DoesNotContain("L0", moved);
        string within = Assert.Single(sentences, s => s.StartsWith("Within 2 se"));
        Assert.Contains("L0 (core) (Δ +1.00, se 1.63)", within);
        Assert.DoesNotContain("SCR", within);
        Assert.Contains("obj (causal) against base, 3 seeds against 3 seeds", reading);
        Assert.Contains("A 2-se rule on 3 seeds per side is a weak test", reading);
        Assert.Contains("2.00× ± 0.20× the seconds per token", reading);
        foreach (var word in new[] { "better", "worse", "significant", "substantial", "improve" })
            Assert.DoesNotContain(word, reading, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TheNotesEntryHasTheDescriptionThenTheTablesThenTheReading()
    {
        var (_, rows) = Planted();
        var p = new ReportParams
        {
            Experiment = "causal-vs-topk", PipelineFile = "pipeline.yaml", Overrides = [],
            Saes = rows.Select(r => r.Sae).ToList(),
            Config = new JsonObject
            {
                ["description"] = "Does the causal term make latents less inert?",
                ["saes"] = new JsonArray(SaeEntry("base-seed1", 1), SaeEntry("base-seed2", 2), SaeEntry("base-seed3", 3),
                                         SaeEntry("obj-seed1", 1, causal: true), SaeEntry("obj-seed2", 2, causal: true), SaeEntry("obj-seed3", 3, causal: true)),
            },
        };
        var (summary, notes) = ReportStage.Comparison(p, rows);
        Assert.True(summary.IndexOf("## Across training seeds", StringComparison.Ordinal) < summary.IndexOf("## Objective vs baseline", StringComparison.Ordinal));
        Assert.Contains("## Objective vs baseline\n\n| objective group |", summary);
        string entry = ReportStage.NotesEntry(p, new ReportLocal("/home/me/exp/pipeline.yaml", "/home/me/exp/notes.txt"), [], [], TrainingTable.Markdown(rows), notes);
        Assert.DoesNotContain("\n## ", entry);   // "## " starts an entry in notes.txt
        int[] order =
        [
            entry.IndexOf("ran: Report\n\nDoes the causal term make latents less inert?\n\n| SAE |", StringComparison.Ordinal),
            entry.IndexOf("| obj-seed3 |", StringComparison.Ordinal),
            entry.IndexOf("| group | objective |", StringComparison.Ordinal),
            entry.IndexOf("| objective group | baseline group |", StringComparison.Ordinal),
            entry.IndexOf("obj (causal) against base", StringComparison.Ordinal),
        ];
        Assert.All(order, i => Assert.True(i >= 0, entry));
        Assert.Equal(order.Order(), order);
    }
}
