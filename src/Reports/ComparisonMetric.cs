using System.Globalization;

namespace SaePipeline.Reports;

/// <summary>
/// One number per SAE that groups of SAEs are compared on: a column of the comparison table and a row of the
/// objective-vs-baseline contrast. <see cref="Unit"/> "%" shows values as percentages and differences in points.
/// </summary>
public sealed record ComparisonMetric(string Name, Func<TrainingRow, double> Value, string Format, string Unit = "")
{
    public SeedSpread Over(IEnumerable<TrainingRow> rows) => SeedSpread.Of(rows.Select(Value));

    /// <summary>A difference between two means, signed: "+0.052", "-1.3 pp".</summary>
    public string ShowDelta(double delta) =>
        !double.IsFinite(delta) ? "–" : (delta > 0 ? "+" : delta < 0 ? "-" : "") + Math.Abs(delta).ToString(Format, CultureInfo.InvariantCulture) + (Unit == "%" ? " pp" : Unit);

    /// <summary>A non-negative quantity in this metric's units (a standard error).</summary>
    public string ShowSize(double size) =>
        !double.IsFinite(size) ? "–" : size.ToString(Format, CultureInfo.InvariantCulture) + (Unit == "%" ? " pp" : Unit);

    /// <summary>
    /// The numbers the report compares groups on, in table order, those no SAE has left out. SCR and TPP count each
    /// SAE once, by its mean over evaluation seeds, so their spread here is across SAE training seeds.
    /// </summary>
    public static IReadOnlyList<ComparisonMetric> Present(IReadOnlyList<TrainingRow> rows)
    {
        int scrN = rows.Select(r => r.Scr?.N).FirstOrDefault(n => n is not null) ?? 20;
        int tppN = rows.Select(r => r.Tpp?.N).FirstOrDefault(n => n is not null) ?? 20;
        ComparisonMetric[] all =
        [
            new("L0 (core)", r => r.Core?.L0 ?? double.NaN, "F2"),
            new("loss rec.", r => r.Core?.CeLossScore ?? double.NaN, "F4"),
            new("absorption", r => r.Absorption?.Mean ?? double.NaN, "F3"),
            new("sae-probes AUC", r => r.SaeProbesAuc?.Mean ?? double.NaN, "F3"),
            new($"SCR@{scrN}", r => r.Scr?.Mean ?? double.NaN, "F3"),
            new($"TPP@{tppN}", r => r.Tpp?.Mean ?? double.NaN, "F3"),
            new("NCES median", r => r.Causal?.NcesMedian ?? double.NaN, "G3"),
            new("inert", r => (r.Causal?.FracInert ?? double.NaN) * 100, "F1", "%"),
            new("tokens/s", r => r.TokensPerSecond, "N0"),
            new("causal overhead", r => r.CausalOverhead?.Ratio ?? double.NaN, "F2", "×"),
        ];
        return all.Where(m => rows.Any(r => double.IsFinite(m.Value(r)))).ToList();
    }
}
