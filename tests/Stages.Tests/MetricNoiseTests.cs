using System.Text.Json.Nodes;
using SaePipeline.Reports;

namespace SaePipeline.Tests;

/// <summary>The report's metric-noise table, on SAEs whose per-seed spreads are given, against sds worked out by hand.</summary>
public sealed class MetricNoiseTests
{
    static JsonObject Sae(string name, long seed, double l1) => new() { ["name"] = name, ["architecture"] = "relu", ["l1_coefficient"] = l1, ["seed"] = seed };

    static TrainingRow Row(string name, double absorption, double absorptionSd) =>
        new TrainingRow(name, "relu", "l1 1", 64, 10, 0.9, 0, 1, 1, 1)
        {
            Absorption = new SeedMetric("mean_absorption_fraction_score", 0, absorption, absorptionSd, 3, "evals/x.json"),
        };

    [Fact]
    public void EvalSeedNoiseAveragesEachSaesSdAndTrainingSeedNoiseIsTheSpreadWithinAGroup()
    {
        // mid-seed42/43/44 differ only by seed: their means 0.2, 0.3, 0.4 have sample sd 0.1 (CV 0.1 / 0.3); the eval-seed
        // sds of all four SAEs average to (0.01 + 0.02 + 0.03 + 0.06) / 4 = 0.03.
        var groups = SeedGroups.Of([Sae("low", 42, 1), Sae("mid-seed42", 42, 3), Sae("mid-seed43", 43, 3), Sae("mid-seed44", 44, 3)]);
        var rows = new[] { Row("low", 0.5, 0.06), Row("mid-seed42", 0.2, 0.01), Row("mid-seed43", 0.3, 0.02), Row("mid-seed44", 0.4, 0.03) };
        string table = MetricNoise.Markdown(groups, rows);
        var line = table.Split('\n').Single(l => l.StartsWith("| absorption |", StringComparison.Ordinal));
        var cells = line.Split('|', StringSplitOptions.TrimEntries)[2..^1];
        Assert.Equal("0.030", cells[0]);
        double expectedEvalCv = (0.06 / 0.5 + 0.01 / 0.2 + 0.02 / 0.3 + 0.03 / 0.4) / 4;
        Assert.Equal((100 * expectedEvalCv).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + "%", cells[1]);
        Assert.Equal("4", cells[2]);
        Assert.Equal("0.100", cells[3]);
        Assert.Equal("33.3%", cells[4]);
        Assert.Equal("1", cells[5]);
    }

    [Fact]
    public void WithoutSeedsThereIsNoNoiseToReport()
    {
        var groups = SeedGroups.Of([Sae("a", 42, 1), Sae("b", 42, 3)]);
        var rows = new[] { Row("a", 0.5, double.NaN) with { Absorption = new SeedMetric("k", 0, 0.5, double.NaN, 1, "x") }, Row("b", 0.4, double.NaN) with { Absorption = null } };
        Assert.Equal("", MetricNoise.Markdown(groups, rows));
    }
}
