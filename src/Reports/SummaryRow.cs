using System.Globalization;
using System.Text;

namespace SaePipeline.Reports;

/// <summary>One SAE's line in the report: its key settings and the metrics a reader compares first.</summary>
public sealed record SummaryRow(
    string Sae, string Architecture, string Sparsity, int DSae, double L0, double TrueL0, double ExplainedVariance,
    double Mmcs, double Mcc, double FracRecovered, double FracDead, double L2Ratio, double TrainSeconds, string EvalFile);

public static class SummaryTable
{
    /// <summary>A Markdown table, one row per SAE, the best MMCS marked.</summary>
    public static string Markdown(IReadOnlyList<SummaryRow> rows)
    {
        static string F(double v, string format) => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "–";
        var best = rows.OrderByDescending(r => r.Mmcs).ThenByDescending(r => r.Mcc).FirstOrDefault();
        var text = new StringBuilder()
            .AppendLine("| SAE | architecture | sparsity | d_sae | L0 (true) | expl. var. | MMCS | MCC | recovered | dead | l2 ratio | train s |")
            .AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
            text.AppendLine($"| {r.Sae}{(r == best ? " ★" : "")} | {r.Architecture} | {r.Sparsity} | {r.DSae} | {F(r.L0, "F2")} ({F(r.TrueL0, "F2")}) | " +
                            $"{F(r.ExplainedVariance, "F4")} | {F(r.Mmcs, "F4")} | {F(r.Mcc, "F4")} | {F(r.FracRecovered * 100, "F1")}% | " +
                            $"{F(r.FracDead * 100, "F1")}% | {F(r.L2Ratio, "F3")} | {F(r.TrainSeconds, "F1")} |");
        return text.ToString();
    }
}
