using System.Globalization;

namespace SaePipeline.Evals.ScrTpp;

/// <summary>
/// TPP's scores (SAEBench create_tpp_plotting_dict, docs/saebench.md §2.10). With A_j the clean test accuracy of class j's
/// probe and A_{i,j} its accuracy after ablating class i's top-N latents, per class i:
/// <code>
///   intended_diff_only   = A_i − A_{i,i}
///   unintended_diff_only = mean over j ≠ i of (A_j − A_{i,j})
///   total_metric         = intended − unintended
/// </code>
/// averaged over the classes for the data set's value, then over data sets. Higher is better: ablating a class's
/// latents should hurt its own probe and no other.
/// </summary>
public static class TppScores
{
    public static string TotalKey(int n) => $"tpp_threshold_{n.ToString(CultureInfo.InvariantCulture)}_total_metric";
    public static string IntendedKey(int n) => $"tpp_threshold_{n.ToString(CultureInfo.InvariantCulture)}_intended_diff_only";
    public static string UnintendedKey(int n) => $"tpp_threshold_{n.ToString(CultureInfo.InvariantCulture)}_unintended_diff_only";

    /// <summary>The 21 keys of SAEBench's TppMetrics, in its order.</summary>
    public static IReadOnlyList<string> AllKeys(IReadOnlyList<int> nValues) =>
        nValues.SelectMany(n => new[] { TotalKey(n), IntendedKey(n), UnintendedKey(n) }).ToList();

    /// <param name="clean">A_j per class, in class order.</param>
    /// <param name="ablated">A_{i,j}: per ablated class i, per N scored, the accuracy of every class j's probe.</param>
    /// <returns>Per class (by position), its metrics; per N only where <paramref name="ablated"/> has it.</returns>
    public static List<Dictionary<string, double>> PerClass(IReadOnlyList<double> clean, IReadOnlyList<IReadOnlyDictionary<int, double[]>> ablated,
                                                            IReadOnlyList<int> nValues)
    {
        var result = new List<Dictionary<string, double>>();
        for (int i = 0; i < clean.Count; i++)
        {
            var metrics = new Dictionary<string, double>();
            foreach (int n in nValues)
            {
                if (!ablated[i].TryGetValue(n, out var after)) continue;
                double intended = clean[i] - after[i];
                double unintended = Enumerable.Range(0, clean.Count).Where(j => j != i).Average(j => clean[j] - after[j]);
                metrics[TotalKey(n)] = intended - unintended;
                metrics[IntendedKey(n)] = intended;
                metrics[UnintendedKey(n)] = unintended;
            }
            result.Add(metrics);
        }
        return result;
    }
}
