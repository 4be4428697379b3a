using System.Text;

namespace SaePipeline.Reports;

/// <summary>How an objective group's mean stands against its baseline's, by the 2-se rule.</summary>
public enum ContrastVerdict { Higher, Lower, WithinSeedNoise, NoNoiseEstimate }

/// <summary>
/// One metric of an objective group against its baseline group: Δ = mean(objective) − mean(baseline) and Welch's
/// standard error of that difference, √(sd_o²/n_o + sd_b²/n_b), which does not assume the two objectives leave
/// the same seed-to-seed spread. It needs a sample sd on both sides, so two SAEs per side at least.
/// </summary>
public sealed record MetricContrast(ComparisonMetric Metric, SeedSpread Objective, SeedSpread Baseline)
{
    public double Delta => Objective.Mean - Baseline.Mean;

    public bool HasNoiseEstimate => Objective.N >= 2 && Baseline.N >= 2;

    public double StandardError => HasNoiseEstimate
        ? Math.Sqrt(Objective.Sd * Objective.Sd / Objective.N + Baseline.Sd * Baseline.Sd / Baseline.N)
        : double.NaN;

    public ContrastVerdict Verdict =>
        !HasNoiseEstimate ? ContrastVerdict.NoNoiseEstimate
        : Math.Abs(Delta) > 2 * StandardError ? (Delta > 0 ? ContrastVerdict.Higher : ContrastVerdict.Lower)
        : ContrastVerdict.WithinSeedNoise;

    public string VerdictText => Verdict switch
    {
        ContrastVerdict.Higher => "higher",
        ContrastVerdict.Lower => "lower",
        ContrastVerdict.WithinSeedNoise => "within seed noise",
        _ => $"{(Objective.N < 2 && Baseline.N < 2 ? "one seed each" : Objective.N < 2 ? "one objective seed" : "one baseline seed")}: no noise estimate",
    };
}

/// <summary>
/// An objective group against its baseline (null when the experiment has none): the metrics both sides have, and
/// what the objective's term cost in training when its SAEs measured it.
/// </summary>
public sealed record GroupContrast(SeedGroup Objective, SeedGroup? Baseline, IReadOnlyList<MetricContrast> Metrics, SeedSpread Overhead);

public static class ObjectiveContrasts
{
    /// <summary>A contrast for every group with an objective section, in config order.</summary>
    public static IReadOnlyList<GroupContrast> Of(IReadOnlyList<SeedGroup> groups, IReadOnlyList<TrainingRow> rows)
    {
        var byName = rows.ToDictionary(r => r.Sae);
        List<TrainingRow> RowsOf(SeedGroup g) => g.Saes.Where(byName.ContainsKey).Select(s => byName[s]).ToList();
        var metrics = ComparisonMetric.Present(rows);
        return groups.Where(g => !g.IsBaseline).Select(g =>
        {
            var objectiveRows = RowsOf(g);
            var overhead = SeedSpread.Of(objectiveRows.Select(r => r.CausalOverhead?.Ratio ?? double.NaN));
            if (SeedGroups.BaselineOf(g, groups) is not { } baseline) return new GroupContrast(g, null, [], overhead);
            var baselineRows = RowsOf(baseline);
            var contrasts = metrics.Select(m => new MetricContrast(m, m.Over(objectiveRows), m.Over(baselineRows)))
                                   .Where(c => c.Objective.N > 0 && c.Baseline.N > 0).ToList();
            return new GroupContrast(g, baseline, contrasts, overhead);
        }).ToList();
    }

    /// <summary>objective group | baseline group | metric | Δ | se | verdict, and a line for each objective group without a baseline.</summary>
    public static string Markdown(IReadOnlyList<GroupContrast> contrasts)
    {
        var text = new StringBuilder();
        var paired = contrasts.Where(c => c.Baseline is not null).ToList();
        if (paired.Count > 0)
        {
            text.AppendLine("| objective group | baseline group | metric | Δ | se | verdict |").AppendLine("|---|---|---|---:|---:|---|");
            foreach (var c in paired)
                foreach (var m in c.Metrics)
                    text.AppendLine($"| {c.Objective.Label} ({c.Objective.Objective}) | {c.Baseline!.Label} | {m.Metric.Name} | " +
                                    $"{m.Metric.ShowDelta(m.Delta)} | {m.Metric.ShowSize(m.StandardError)} | {m.VerdictText} |");
        }
        foreach (var c in contrasts.Where(c => c.Baseline is null))
            text.AppendLine($"- {c.Objective.Label} ({c.Objective.Objective}): no baseline group in this experiment.");
        return text.ToString();
    }
}
