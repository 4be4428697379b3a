extern alias ScottPlotLib;

using System.Globalization;
using System.Text.Json.Nodes;
using SaePipeline.Runtime;
using ScottPlotLib::ScottPlot;

namespace SaePipeline.Reports;

/// <summary>One SAE's data for the report's plots; every part is optional (null when its evaluation did not run).</summary>
/// <param name="TrainingLog">Its training_log.csv.</param>
/// <param name="Core">Its core result JSON.</param>
/// <param name="Scr">Its SCR result JSON.</param>
/// <param name="Causal">Its EvaluateCausal result JSON.</param>
public sealed record PlotInputs(string Sae, string? TrainingLog, JsonNode? Core, JsonNode? Scr, JsonNode? Causal);

/// <summary>
/// The report's figures, as PNGs in <c>artifacts/report/&lt;experiment&gt;/plots/</c> (ScottPlot): training curves, the sparsity frontier
/// (L0 against loss recovered and explained variance, from core), SCR against the number of ablated latents (mean ± sd
/// over seeds) and the distribution of NCES. A figure whose data no SAE has is not drawn.
/// </summary>
public static class ReportPlots
{
    const int Width = 900, Height = 560;

    /// <summary>Draws what the inputs allow; returns the files written (relative to <paramref name="dir"/>) with a caption each.</summary>
    public static IReadOnlyList<(string File, string Caption)> Draw(string dir, IReadOnlyList<PlotInputs> saes)
    {
        Directory.CreateDirectory(Path.Combine(dir, "plots"));
        var written = new List<(string, string)>();
        void Save(Plot plot, string name, string caption)
        {
            plot.SavePng(Path.Combine(dir, "plots", name), Width, Height);
            written.Add(($"plots/{name}", caption));
        }
        if (saes.Any(s => s.TrainingLog is not null)) Save(TrainingCurves(saes), "training_curves.png", "training curves: L0 and explained variance per logged step");
        if (saes.Any(s => s.Core is not null)) Save(Frontier(saes), "frontier.png", "core: L0 against loss recovered and explained variance (legacy)");
        if (saes.Any(s => s.Scr is not null)) Save(ScrVsN(saes), "scr_vs_n.png", "SCR (scr_metric_threshold_N) against N, mean ± sd over seeds");
        if (saes.Any(s => s.Causal is not null)) Save(NcesHistograms(saes), "nces_histograms.png", "log10 NCES of alive latents, zero ablation");
        return written;
    }

    static Plot TrainingCurves(IReadOnlyList<PlotInputs> saes)
    {
        var plot = new Plot();
        var right = plot.Axes.Right;
        foreach (var s in saes.Where(s => s.TrainingLog is not null))
        {
            var rows = File.ReadAllLines(s.TrainingLog!).Select(l => l.Split(',')).ToList();
            int step = Array.IndexOf(rows[0], "step"), l0 = Array.IndexOf(rows[0], "l0"), ev = Array.IndexOf(rows[0], "explained_variance");
            double Cell(string[] r, int i) => double.Parse(r[i], CultureInfo.InvariantCulture);
            var data = rows.Skip(1).Where(r => r.Length == rows[0].Length).ToList();
            var xs = data.Select(r => Cell(r, step)).ToArray();
            var l0Line = plot.Add.Scatter(xs, data.Select(r => Cell(r, l0)).ToArray());
            l0Line.LegendText = $"{s.Sae} L0";
            var evLine = plot.Add.Scatter(xs, data.Select(r => Cell(r, ev)).ToArray());
            evLine.LegendText = $"{s.Sae} expl. var.";
            evLine.LinePattern = LinePattern.Dashed;
            evLine.Color = l0Line.Color;
            evLine.Axes.YAxis = right;
        }
        plot.Axes.Bottom.Label.Text = "step";
        plot.Axes.Left.Label.Text = "L0 (solid)";
        right.Label.Text = "explained variance (dashed)";
        plot.Axes.SetLimitsY(0, 1, right);
        plot.ShowLegend();
        return plot;
    }

    static Plot Frontier(IReadOnlyList<PlotInputs> saes)
    {
        var plot = new Plot();
        var right = plot.Axes.Right;
        foreach (var s in saes.Where(s => s.Core is not null))
        {
            var m = s.Core!["eval_result_metrics"]!;
            double l0 = Json.Number(m["sparsity"]!["l0"]);
            var ce = plot.Add.Marker(l0, Json.Number(m["model_performance_preservation"]!["ce_loss_score"]), MarkerShape.FilledCircle, 10);
            ce.LegendText = $"{s.Sae} loss rec.";
            var ev = plot.Add.Marker(l0, Json.Number(m["reconstruction_quality"]!["explained_variance_legacy"]), MarkerShape.OpenSquare, 10);
            ev.LegendText = $"{s.Sae} EV (legacy)";
            ev.Color = ce.Color;
            ev.Axes.YAxis = right;
        }
        plot.Axes.Bottom.Label.Text = "L0 (core)";
        plot.Axes.Left.Label.Text = "loss recovered (circles)";
        right.Label.Text = "explained variance, legacy (squares)";
        plot.ShowLegend();
        return plot;
    }

    static Plot ScrVsN(IReadOnlyList<PlotInputs> saes)
    {
        var plot = new Plot();
        foreach (var s in saes.Where(s => s.Scr is not null))
        {
            var seeds = s.Scr!["eval_result_unstructured"]!["seeds"]!;
            var ns = s.Scr["eval_config"]!["n_values"]!.AsArray().Select(n => n!.GetValue<int>()).Order().ToList();
            var points = ns.Select(n => (N: n, Mean: seeds["mean"]?[$"scr_metric_threshold_{n}"], Std: seeds["std"]?[$"scr_metric_threshold_{n}"]))
                           .Where(p => p.Mean is not null).ToList();
            var xs = points.Select(p => Math.Log10(p.N)).ToArray();
            var line = plot.Add.Scatter(xs, points.Select(p => p.Mean!.GetValue<double>()).ToArray());
            line.LegendText = s.Sae;
            var bars = plot.Add.ErrorBar(xs, points.Select(p => p.Mean!.GetValue<double>()).ToArray(),
                                         points.Select(p => p.Std?.GetValue<double>() ?? 0).ToArray());
            bars.Color = line.Color;
        }
        plot.Axes.Bottom.Label.Text = "log10 N (latents ablated)";
        plot.Axes.Left.Label.Text = "SCR";
        plot.ShowLegend();
        return plot;
    }

    static Plot NcesHistograms(IReadOnlyList<PlotInputs> saes)
    {
        var plot = new Plot();
        foreach (var s in saes.Where(s => s.Causal is not null))
        {
            var h = s.Causal!["eval_result_unstructured"]?["log10_nces_histograms"]?["zero"];
            var edges = h?["edges"]?.AsArray().Select(e => e!.GetValue<double>()).ToArray() ?? [];
            var counts = h?["counts"]?.AsArray().Select(c => (double)c!.GetValue<int>()).ToArray() ?? [];
            if (counts.Length == 0) continue;
            // A step outline per SAE, so several SAEs stay readable on one axis.
            var xs = edges.SelectMany((e, i) => i == 0 ? new[] { e } : new[] { e, e }).ToArray();
            var ys = counts.SelectMany(c => new[] { c, c }).Prepend(0).Append(0).ToArray();
            var line = plot.Add.Scatter(xs.Take(ys.Length).ToArray(), ys.Take(xs.Length).ToArray());
            line.MarkerSize = 0;
            line.LegendText = s.Sae;
        }
        plot.Axes.Bottom.Label.Text = "log10 NCES (nats per unit activation)";
        plot.Axes.Left.Label.Text = "latents";
        plot.ShowLegend();
        return plot;
    }
}
