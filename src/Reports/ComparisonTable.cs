using System.Text;

namespace SaePipeline.Reports;

/// <summary>
/// One row per seed group: each metric's mean ± sample sd over the group's SAEs, so a difference between settings
/// can be read against the spread that retraining with another seed produces.
/// </summary>
public static class ComparisonTable
{
    /// <summary>The table with its caption, or "" when no group has two SAEs (the per-SAE table then says it all).</summary>
    public static string Markdown(IReadOnlyList<SeedGroup> groups, IReadOnlyList<TrainingRow> rows)
    {
        if (!groups.Any(g => g.Saes.Count >= 2)) return "";
        var byName = rows.ToDictionary(r => r.Sae);
        var grouped = groups.Select(g => (Group: g, Rows: g.Saes.Where(byName.ContainsKey).Select(s => byName[s]).ToList())).ToList();
        var metrics = ComparisonMetric.Present(grouped.SelectMany(g => g.Rows).ToList());
        var text = new StringBuilder()
            .AppendLine($"| group | objective | architecture | sparsity | n |{string.Concat(metrics.Select(m => $" {m.Name} |"))}")
            .AppendLine($"|---|---|---|---|---:|{string.Concat(metrics.Select(_ => "---:|"))}");
        foreach (var (group, groupRows) in grouped)
        {
            var first = groupRows.FirstOrDefault();
            text.Append($"| {group.Label} | {group.Objective} | {first?.Architecture ?? "?"} | {first?.Sparsity ?? "?"} | {group.Saes.Count} |");
            foreach (var m in metrics)
            {
                var spread = m.Over(groupRows);
                // A metric some of the group's SAEs lack is averaged over fewer; say over how many.
                text.Append($" {spread.Show(m.Format, m.Unit)}{(spread.N > 0 && spread.N < group.Saes.Count ? $" (n {spread.N})" : "")} |");
            }
            text.AppendLine();
        }
        return text.AppendLine()
            .AppendLine("Mean ± sample sd across SAE training seeds: n SAEs per group, identical but for seed; one SAE shows its value alone. " +
                        "SCR and TPP enter as each SAE's mean over its evaluation seeds, so their sd here is across training seeds, not evaluation seeds." +
                        (metrics.Any(m => m.Name == "causal overhead") ? " Causal overhead: seconds per token of steps with the causal term over steps without it, measured within each run." : ""))
            .ToString();
    }
}
