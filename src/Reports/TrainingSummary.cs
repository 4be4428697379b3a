using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using SaePipeline.Runtime;

namespace SaePipeline.Reports;

/// <summary>
/// One SAE's line for SAEs on a model's activations: what training measured on its last logged batch, and the SCR and
/// TPP headline numbers (mean ± sd over seeds) when those evaluations ran.
/// </summary>
public sealed record TrainingRow(
    string Sae, string Architecture, string Sparsity, int DSae, double L0, double ExplainedVariance, int DeadLatents, double Mse,
    double TrainSeconds, double TokensPerSecond)
{
    /// <summary>SAEBench core's headline numbers, when it ran.</summary>
    public CoreMetrics? Core { get; init; }

    /// <summary>Sparse probing's top-1 accuracy of the SAE's latents and of the language model's activations (mean ± sd over seeds).</summary>
    public SeedMetric? SparseTop1 { get; init; }
    public SeedMetric? LlmTop1 { get; init; }

    /// <summary>First-letter absorption: SAEBench's mean absorption fraction and full-absorption rate (mean ± sd over seeds).</summary>
    public SeedMetric? Absorption { get; init; }
    public SeedMetric? FullAbsorption { get; init; }

    /// <summary>sae-probes: test AUC of the SAE's top-k probe at the smallest k run, mean over tasks (mean ± sd over seeds).</summary>
    public SeedMetric? SaeProbesAuc { get; init; }

    /// <summary>EvaluateCausal's summary under zero ablation, when it ran.</summary>
    public CausalMetrics? Causal { get; init; }

    public SeedMetric? Scr { get; init; }
    public SeedMetric? Tpp { get; init; }

    /// <summary>What the causal objective's term cost in training, for SAEs trained with it that measured it.</summary>
    public CausalOverhead? CausalOverhead { get; init; }

    /// <summary>From a TrainSae manifest's info and the SAE's cfg.json.</summary>
    public static TrainingRow From(string name, JsonNode? info, JsonNode? cfg)
    {
        double D(JsonNode? n) => Json.Number(n);
        var final = info?["final"];
        var description = SaeDescription.From(cfg);
        return new TrainingRow(name, description.Architecture, description.Sparsity, cfg?["d_sae"]?.GetValue<int>() ?? 0,
            D(final?["l0"]), D(final?["explained_variance"]), final?["dead_latents"]?.GetValue<int>() ?? -1, D(final?["mse"]),
            D(info?["seconds"]), D(info?["tokens_per_second"])) { CausalOverhead = CausalOverhead.From(info) };
    }
}

public static class TrainingTable
{
    public static string Markdown(IReadOnlyList<TrainingRow> rows)
    {
        static string F(double v, string format) => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "–";
        // Columns for SCR and TPP only when some SAE has them; their header names the N shown.
        var scr = rows.Select(r => r.Scr).FirstOrDefault(m => m is not null);
        var tpp = rows.Select(r => r.Tpp).FirstOrDefault(m => m is not null);
        bool core = rows.Any(r => r.Core is not null), sparse = rows.Any(r => r.SparseTop1 is not null), causal = rows.Any(r => r.Causal is not null);
        bool absorption = rows.Any(r => r.Absorption is not null);
        var saeProbes = rows.Select(r => r.SaeProbesAuc).FirstOrDefault(m => m is not null);
        string extraHeader = (core ? " loss rec. | KL score | EV (legacy) | L0 (core) |" : "") + (sparse ? " top-1 SAE | top-1 LLM |" : "") +
                             (absorption ? " absorption | full abs. |" : "") + (saeProbes is null ? "" : $" {SaeProbesHeader(saeProbes)} |") +
                             (causal ? " NCES median | inert |" : "") + (scr is null ? "" : $" SCR@{scr.N} |") + (tpp is null ? "" : $" TPP@{tpp.N} |");
        string extraRule = (core ? "---:|---:|---:|---:|" : "") + (sparse ? "---:|---:|" : "") + (absorption ? "---:|---:|" : "") + (saeProbes is null ? "" : "---:|") + (causal ? "---:|---:|" : "") +
                           (scr is null ? "" : "---:|") + (tpp is null ? "" : "---:|");
        var text = new StringBuilder()
            .AppendLine($"| SAE | architecture | sparsity | d_sae | L0 | expl. var. | mse | dead | train s | tokens/s |{extraHeader}")
            .AppendLine($"|---|---|---|---:|---:|---:|---:|---:|---:|---:|{extraRule}");
        foreach (var r in rows)
            text.AppendLine($"| {r.Sae} | {r.Architecture} | {r.Sparsity} | {r.DSae} | {F(r.L0, "F2")} | {F(r.ExplainedVariance, "F4")} | " +
                            $"{F(r.Mse, "G4")} | {r.DeadLatents} | {F(r.TrainSeconds, "F1")} | {F(r.TokensPerSecond, "N0")} |" +
                            (core ? $" {F(r.Core?.CeLossScore ?? double.NaN, "F4")} | {F(r.Core?.KlDivScore ?? double.NaN, "F4")} | " +
                                    $"{F(r.Core?.ExplainedVarianceLegacy ?? double.NaN, "F4")} | {F(r.Core?.L0 ?? double.NaN, "F2")} |" : "") +
                            (sparse ? $" {r.SparseTop1?.ToString() ?? "–"} | {r.LlmTop1?.ToString() ?? "–"} |" : "") +
                            (absorption ? $" {r.Absorption?.ToString() ?? "–"} | {r.FullAbsorption?.ToString() ?? "–"} |" : "") +
                            (saeProbes is null ? "" : $" {r.SaeProbesAuc?.ToString() ?? "–"} |") +
                            (causal ? $" {F(r.Causal?.NcesMedian ?? double.NaN, "G3")} | {F((r.Causal?.FracInert ?? double.NaN) * 100, "F1")}% |" : "") +
                            (scr is null ? "" : $" {r.Scr?.ToString() ?? "–"} |") + (tpp is null ? "" : $" {r.Tpp?.ToString() ?? "–"} |"));
        return text.ToString();
    }

    /// <summary>"sae-probes AUC@1": the key's k (sae_top_1_test_auc).</summary>
    static string SaeProbesHeader(SeedMetric m) => $"sae-probes AUC@{m.Key.Split('_')[2]}";
}

/// <summary>SAEBench core's headline numbers of one SAE, as the report shows them.</summary>
public sealed record CoreMetrics(double CeLossScore, double KlDivScore, double ExplainedVarianceLegacy, double L0, string EvalFile)
{
    public static CoreMetrics From(JsonNode result, string evalFile)
    {
        var m = result["eval_result_metrics"]!;
        static double D(JsonNode? v) => Json.Number(v);
        return new CoreMetrics(D(m["model_performance_preservation"]?["ce_loss_score"]), D(m["model_behavior_preservation"]?["kl_div_score"]),
                               D(m["reconstruction_quality"]?["explained_variance_legacy"]), D(m["sparsity"]?["l0"]), evalFile);
    }
}

/// <summary>EvaluateCausal's headline under zero ablation: the median NCES of alive latents and the share of them that are inert.</summary>
public sealed record CausalMetrics(double NcesMedian, double FracInert, string EvalFile)
{
    public static CausalMetrics? From(JsonNode result, string evalFile)
    {
        if (result["eval_result_metrics"]?["zero"] is not { } zero) return null;
        static double D(JsonNode? v) => Json.Number(v);
        return new CausalMetrics(D(zero["nces_median"]), D(zero["frac_inert"]), evalFile);
    }
}
