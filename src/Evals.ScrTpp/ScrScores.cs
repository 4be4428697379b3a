using System.Globalization;

namespace SaePipeline.Evals.ScrTpp;

/// <summary>
/// SCR's scores (SAEBench get_scr_plotting_dict, docs/saebench.md §2.9). B is the biased probe (P∧S+ against N∧S−).
/// Direction 1 ablates the spurious probe's top-N latents and measures B on the target classes' test data; direction 2
/// ablates the target probe's latents and measures B on the spurious classes' data. Per direction
/// <code>  scr_dirK_threshold_N = (A_ablated − A_base) / (A_oracle − A_base),   0 when A_oracle − A_base &lt; 0.001  </code>
/// with A_base = B's clean accuracy on that data and A_oracle = the data's own probe on it (the signed test: a B that
/// beats the oracle also gives 0). scr_metric_threshold_N is direction 1 when B's clean accuracy on the target data is
/// below its accuracy on the spurious data (B leans on the spurious attribute, so removing it is what helps), direction
/// 2 when it is above, and absent when they are equal; averages over runs then cover only the runs that have it.
/// </summary>
public static class ScrScores
{
    public const double MinDenominator = 0.001;

    public static double Score(double ablated, double baseline, double oracle) =>
        oracle - baseline < MinDenominator ? 0 : (ablated - baseline) / (oracle - baseline);

    /// <summary>1 or 2: the direction scr_metric reports; null when the baselines are equal.</summary>
    public static int? MetricDirection(double baselineOnTarget, double baselineOnSpurious) =>
        baselineOnTarget < baselineOnSpurious ? 1 : baselineOnTarget > baselineOnSpurious ? 2 : null;

    public static string Dir1Key(int n) => $"scr_dir1_threshold_{n.ToString(CultureInfo.InvariantCulture)}";
    public static string MetricKey(int n) => $"scr_metric_threshold_{n.ToString(CultureInfo.InvariantCulture)}";
    public static string Dir2Key(int n) => $"scr_dir2_threshold_{n.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The 21 keys of SAEBench's ScrMetrics, in its order (dir1, metric, dir2 per N).</summary>
    public static IReadOnlyList<string> AllKeys(IReadOnlyList<int> nValues) =>
        nValues.SelectMany(n => new[] { Dir1Key(n), MetricKey(n), Dir2Key(n) }).ToList();

    /// <summary>
    /// One run's metrics from its accuracies: <paramref name="dir1"/> and <paramref name="dir2"/> hold A_ablated per N
    /// (N absent: not scored, e.g. N above d_sae).
    /// </summary>
    public static Dictionary<string, double> Run(IReadOnlyList<int> nValues, IReadOnlyDictionary<int, double> dir1, IReadOnlyDictionary<int, double> dir2,
                                                 double base1, double oracle1, double base2, double oracle2)
    {
        var metrics = new Dictionary<string, double>();
        int? direction = MetricDirection(base1, base2);
        foreach (int n in nValues)
        {
            if (dir1.TryGetValue(n, out double a1))
            {
                metrics[Dir1Key(n)] = Score(a1, base1, oracle1);
                if (direction == 1) metrics[MetricKey(n)] = metrics[Dir1Key(n)];
            }
            if (dir2.TryGetValue(n, out double a2))
            {
                metrics[Dir2Key(n)] = Score(a2, base2, oracle2);
                if (direction == 2) metrics[MetricKey(n)] = metrics[Dir2Key(n)];
            }
        }
        return metrics;
    }

    /// <summary>SAEBench's average_results_dictionaries: per key, the unweighted mean over the runs that have it.</summary>
    public static Dictionary<string, double> Average(IEnumerable<IReadOnlyDictionary<string, double>> runs)
    {
        var values = new Dictionary<string, List<double>>();
        foreach (var run in runs)
            foreach (var (key, value) in run)
            {
                if (!values.TryGetValue(key, out var list)) values[key] = list = [];
                list.Add(value);
            }
        return values.ToDictionary(kv => kv.Key, kv => kv.Value.Average());
    }
}
