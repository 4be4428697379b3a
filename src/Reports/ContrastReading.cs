using System.Globalization;

namespace SaePipeline.Reports;

/// <summary>
/// A plain-English paragraph per objective group saying what its contrast with the baseline shows and no more: which
/// metrics differ by more than 2 se and which way, which do not, on how many seeds, and how weak that test is. It
/// says "higher" and "lower", never "better": whether a direction is good depends on the metric and the question.
/// </summary>
public static class ContrastReading
{
    public static string Paragraphs(IReadOnlyList<GroupContrast> contrasts) =>
        string.Join("\n\n", contrasts.Select(Paragraph));

    public static string Paragraph(GroupContrast c)
    {
        string objective = $"{c.Objective.Label} ({c.Objective.Objective})";
        var sentences = new List<string>();
        if (c.Baseline is null)
            sentences.Add($"{objective} has no baseline group in this experiment (SAEs with the same config without " +
                          $"{string.Join(" or ", SeedGroup.ObjectiveKeys.Where(c.Objective.Config.ContainsKey))}), so it is not contrasted.");
        else
        {
            sentences.Add($"{objective} against {c.Baseline.Label}, {Seeds(c.Objective.Saes.Count)} against {Seeds(c.Baseline.Saes.Count)}.");
            var moved = c.Metrics.Where(m => m.Verdict is ContrastVerdict.Higher or ContrastVerdict.Lower).ToList();
            var within = c.Metrics.Where(m => m.Verdict is ContrastVerdict.WithinSeedNoise).ToList();
            var unestimated = c.Metrics.Where(m => m.Verdict is ContrastVerdict.NoNoiseEstimate).ToList();
            if (moved.Count > 0)
                sentences.Add("Differing by more than 2 se: " + string.Join("; ", moved.Select(m =>
                    $"{m.Metric.Name} {m.VerdictText} by {m.Metric.ShowSize(Math.Abs(m.Delta))} (se {m.Metric.ShowSize(m.StandardError)})")) + ".");
            else if (within.Count > 0)
                sentences.Add("No metric differs by more than 2 se.");
            if (within.Count > 0)
                sentences.Add("Within 2 se, so not told apart from retraining with another seed: " + string.Join("; ", within.Select(m =>
                    $"{m.Metric.Name} (Δ {m.Metric.ShowDelta(m.Delta)}, se {m.Metric.ShowSize(m.StandardError)})")) + ".");
            if (unestimated.Count > 0)
                sentences.Add("With a single seed on a side there is no estimate of seed noise, so these differences cannot be told apart from " +
                              "retraining with another seed: " + string.Join("; ", unestimated.Select(m => $"{m.Metric.Name} Δ {m.Metric.ShowDelta(m.Delta)}")) + ".");
            var estimated = c.Metrics.Where(m => m.HasNoiseEstimate).ToList();
            if (estimated.Count > 0)
            {
                int nObjective = estimated.Min(m => m.Objective.N), nBaseline = estimated.Min(m => m.Baseline.N);
                string seeds = nObjective == nBaseline ? $"{Seeds(nObjective)} per side" : $"{Seeds(nObjective)} against {Seeds(nBaseline)}";
                string metrics = $"{estimated.Count} metric{(estimated.Count == 1 ? "" : "s")}";
                // With few seeds the se is itself estimated from a handful of values (Student's t with few degrees of freedom),
                // so |Δ| > 2 se happens by chance more often than the 1 in 20 of the normal limit.
                sentences.Add(Math.Min(nObjective, nBaseline) < 10
                    ? $"A 2-se rule on {seeds} is a weak test: the se rests on so few values that chance alone crosses 2 se more often " +
                      $"than the 1 in 20 it would with many seeds, and differences smaller than about 2 se go unseen" +
                      (estimated.Count > 1 ? $"; each of the {metrics} compared is one more chance of a spurious crossing." : ".")
                    : $"With {seeds}, chance alone crosses 2 se about 1 time in 20 per metric, and {metrics} were compared.");
            }
        }
        if (c.Overhead.N > 0)
            sentences.Add($"Training cost: steps with the causal term took {c.Overhead.Show("F2", "×")} the seconds per token of steps without it " +
                          $"(measured within each run, so machine load, which enters any comparison of tokens/s between runs, cancels; over " +
                          $"{c.Overhead.N} SAE{(c.Overhead.N == 1 ? "" : "s")}).");
        return string.Join(" ", sentences);
    }

    static string Seeds(int n) => n.ToString(CultureInfo.InvariantCulture) + (n == 1 ? " seed" : " seeds");
}
