using System.Globalization;
using System.Text.Json.Nodes;
using SaePipeline.Runtime;

namespace SaePipeline.Reports;

/// <summary>One headline number of a multi-seed evaluation, as the report shows it: mean ± sd over seeds, at N ablated latents.</summary>
public sealed record SeedMetric(string Key, int N, double Mean, double Std, int Seeds, string EvalFile)
{
    /// <summary>The N the report shows: 20 (the N SAEBench's UI and our closing notes quote) if it ran, else the largest below it, else the smallest.</summary>
    public static int ReportedN(IReadOnlyList<int> nValues) =>
        nValues.Contains(20) ? 20 : nValues.Where(n => n < 20).DefaultIfEmpty(nValues.Min()).Max();

    /// <summary>From an SCR or TPP result JSON: its seed summary of <paramref name="keyOfN"/>(N) at the reported N.</summary>
    public static SeedMetric From(JsonNode result, Func<int, string> keyOfN, string evalFile)
    {
        var nValues = result["eval_config"]!["n_values"]!.AsArray().Select(n => n!.GetValue<int>()).ToList();
        int n = ReportedN(nValues);
        string key = keyOfN(n);
        var seeds = result["eval_result_unstructured"]!["seeds"]!;
        static double D(JsonNode? v) => Json.Number(v);
        return new SeedMetric(key, n, D(seeds["mean"]?[key]), D(seeds["std"]?[key]), seeds["seeds"]!.AsArray().Count, evalFile);
    }

    /// <summary>From a result JSON with a seed summary (sparse probing): <paramref name="key"/>'s mean ± sd over seeds.</summary>
    public static SeedMetric FromKey(JsonNode result, string key, string evalFile)
    {
        var seeds = result["eval_result_unstructured"]!["seeds"]!;
        static double D(JsonNode? v) => Json.Number(v);
        return new SeedMetric(key, 0, D(seeds["mean"]?[key]), D(seeds["std"]?[key]), seeds["seeds"]!.AsArray().Count, evalFile);
    }

    public override string ToString()
    {
        static string F(double v) => double.IsFinite(v) ? v.ToString("F3", CultureInfo.InvariantCulture) : "–";
        // No mean (an evaluation that declined to score) is one dash, not "– ± –".
        return Seeds > 1 && double.IsFinite(Mean) ? $"{F(Mean)} ± {F(Std)}" : F(Mean);
    }
}
