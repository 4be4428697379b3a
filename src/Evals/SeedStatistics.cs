using System.Globalization;
using System.Text.Json.Nodes;

namespace SaePipeline.Evals;

/// <summary>
/// A metric repeated over seeds, summarised honestly: the mean and the sample standard deviation (n − 1 in the
/// denominator; null with fewer than two seeds) over the seeds that produced the metric, and the per-seed values.
/// </summary>
public static class SeedStatistics
{
    public static (double Mean, double Std, int Count) Of(IEnumerable<double> values)
    {
        var v = values.Where(double.IsFinite).ToList();
        if (v.Count == 0) return (double.NaN, double.NaN, 0);
        double mean = v.Average();
        double std = v.Count < 2 ? double.NaN : Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1));
        return (mean, std, v.Count);
    }

    /// <summary>
    /// <c>{"seeds": [...], "mean": {key: …}, "std": {key: …}, "per_seed": {"42": {key: …}, …}}</c> over
    /// <paramref name="keys"/>; a key no seed produced is null in mean and std.
    /// </summary>
    public static JsonObject Summarize(IReadOnlyList<long> seeds, IReadOnlyList<IReadOnlyDictionary<string, double>> perSeed, IReadOnlyList<string> keys)
    {
        var mean = new JsonObject();
        var std = new JsonObject();
        foreach (var key in keys)
        {
            var (m, s, _) = Of(perSeed.Where(p => p.ContainsKey(key)).Select(p => p[key]));
            mean[key] = SaeBenchEnvelope.Number(m);
            std[key] = SaeBenchEnvelope.Number(s);
        }
        var values = new JsonObject();
        for (int i = 0; i < seeds.Count; i++)
            values[seeds[i].ToString(CultureInfo.InvariantCulture)] = Metrics(perSeed[i], keys);
        return new JsonObject
        {
            ["seeds"] = new JsonArray(seeds.Select(s => (JsonNode?)s).ToArray()),
            ["std_definition"] = "sample standard deviation over seeds (n - 1 denominator); null with fewer than two values",
            ["mean"] = mean,
            ["std"] = std,
            ["per_seed"] = values,
        };
    }

    /// <summary>The keys in order, each the value or null when absent.</summary>
    public static JsonObject Metrics(IReadOnlyDictionary<string, double> values, IReadOnlyList<string> keys) =>
        new(keys.Select(k => KeyValuePair.Create(k, values.TryGetValue(k, out double v) ? SaeBenchEnvelope.Number(v) : null)));
}
