using System.Globalization;
using System.Text;

namespace SaePipeline.Reports;

/// <summary>
/// How noisy each metric column is in this experiment, so a reader knows which differences are real (Chanin 2026,
/// arXiv 2605.18229, found every SAEBench metric noisier under reseeding than assumed). Two sources, each as a
/// standard deviation and as a coefficient of variation (sd / |mean|):
/// <list type="bullet">
/// <item>evaluation seeds: for each SAE the sample sd of the metric over evals.seeds (the eval's own randomness:
/// probe initialisation, minibatches, sampled texts), averaged over SAEs;</item>
/// <item>training seeds: for each group of SAEs identical but for their training seed, the sample sd of their
/// values (each SAE's mean over evaluation seeds), averaged over groups.</item>
/// </list>
/// A metric without evaluation seeds (core runs one fixed token stream) shows "–" there. Two SAEs differing by less
/// than about twice the larger sd are not told apart by that metric.
/// </summary>
public static class MetricNoise
{
    sealed record Column(string Name, Func<TrainingRow, double> Value, Func<TrainingRow, SeedMetric?>? EvalSeeds, string Format);

    static IReadOnlyList<Column> Columns(IReadOnlyList<TrainingRow> rows)
    {
        int scrN = rows.Select(r => r.Scr?.N).FirstOrDefault(n => n is not null) ?? 20;
        int tppN = rows.Select(r => r.Tpp?.N).FirstOrDefault(n => n is not null) ?? 20;
        Column[] all =
        [
            new("L0 (core)", r => r.Core?.L0 ?? double.NaN, null, "F2"),
            new("loss rec.", r => r.Core?.CeLossScore ?? double.NaN, null, "F4"),
            new("EV (legacy)", r => r.Core?.ExplainedVarianceLegacy ?? double.NaN, null, "F4"),
            new("top-1 SAE", r => r.SparseTop1?.Mean ?? double.NaN, r => r.SparseTop1, "F3"),
            new("sae-probes AUC", r => r.SaeProbesAuc?.Mean ?? double.NaN, r => r.SaeProbesAuc, "F3"),
            new("absorption", r => r.Absorption?.Mean ?? double.NaN, r => r.Absorption, "F3"),
            new("full abs.", r => r.FullAbsorption?.Mean ?? double.NaN, r => r.FullAbsorption, "F3"),
            new($"SCR@{scrN}", r => r.Scr?.Mean ?? double.NaN, r => r.Scr, "F3"),
            new($"TPP@{tppN}", r => r.Tpp?.Mean ?? double.NaN, r => r.Tpp, "F3"),
        ];
        return all.Where(c => rows.Any(r => double.IsFinite(c.Value(r)))).ToList();
    }

    /// <summary>The section's table and caption, or "" when no SAE has a metric with either kind of spread.</summary>
    public static string Markdown(IReadOnlyList<SeedGroup> groups, IReadOnlyList<TrainingRow> rows)
    {
        var byName = rows.ToDictionary(r => r.Sae);
        var replicated = groups.Where(g => g.Saes.Count(byName.ContainsKey) >= 2).Select(g => g.Saes.Where(byName.ContainsKey).Select(s => byName[s]).ToList()).ToList();
        var text = new StringBuilder()
            .AppendLine("| metric | sd over eval seeds | CV | SAEs | sd over training seeds | CV | groups |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        bool any = false;
        foreach (var c in Columns(rows))
        {
            var evalSeeds = c.EvalSeeds is null ? [] : rows.Select(c.EvalSeeds).OfType<SeedMetric>().Where(m => m.Seeds > 1 && double.IsFinite(m.Std)).ToList();
            var (evalSd, evalCv) = Average(evalSeeds.Select(m => (m.Std, m.Mean)));
            var training = replicated.Select(g => SeedSpread.Of(g.Select(c.Value))).Where(s => s.N >= 2).ToList();
            var (trainSd, trainCv) = Average(training.Select(s => (s.Sd, s.Mean)));
            if (evalSeeds.Count == 0 && training.Count == 0) continue;
            any = true;
            text.AppendLine($"| {c.Name} | {F(evalSd, c.Format)} | {Percent(evalCv)} | {evalSeeds.Count} | {F(trainSd, c.Format)} | {Percent(trainCv)} | {training.Count} |");
        }
        if (!any) return "";
        return text.AppendLine()
            .AppendLine("Noise of each metric here: the sample sd over evaluation seeds (averaged over SAEs) and over training seeds (averaged over " +
                        "groups of SAEs identical but for their seed), each also as a coefficient of variation, sd / |mean|. A difference smaller " +
                        "than about twice the larger sd is not resolved by that metric; a CV is unstable where the mean is near 0 (SCR, TPP, " +
                        "absorption on good SAEs), so read the sd there.")
            .ToString();
    }

    static (double Sd, double Cv) Average(IEnumerable<(double Sd, double Mean)> spreads)
    {
        var list = spreads.ToList();
        if (list.Count == 0) return (double.NaN, double.NaN);
        var cvs = list.Where(s => Math.Abs(s.Mean) > 1e-12).Select(s => s.Sd / Math.Abs(s.Mean)).ToList();
        return (list.Average(s => s.Sd), cvs.Count == 0 ? double.NaN : cvs.Average());
    }

    static string F(double v, string format) => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

    static string Percent(double v) => double.IsFinite(v) ? (100 * v).ToString("F1", CultureInfo.InvariantCulture) + "%" : "–";
}
