using System.Globalization;

namespace SaePipeline.Reports;

/// <summary>
/// Mean and sample standard deviation (n − 1) of one metric over a group's SAEs, one value per SAE. Values that are
/// missing (NaN) are left out, so <see cref="N"/> counts the SAEs that have the metric. With one value there is no
/// sd: it is NaN, never 0, so nothing downstream mistakes one seed for a noiseless measurement.
/// </summary>
public sealed record SeedSpread(double Mean, double Sd, int N)
{
    public static SeedSpread Of(IEnumerable<double> values)
    {
        var v = values.Where(double.IsFinite).ToList();
        if (v.Count == 0) return new SeedSpread(double.NaN, double.NaN, 0);
        double mean = v.Average();
        double sd = v.Count < 2 ? double.NaN : Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1));
        return new SeedSpread(mean, sd, v.Count);
    }

    /// <summary>"mean ± sd", or the value alone when there is one; "–" when there is none.</summary>
    public string Show(string format, string unit = "")
    {
        string F(double x) => x.ToString(format, CultureInfo.InvariantCulture) + unit;
        return N switch { 0 => "–", 1 => F(Mean), _ => $"{F(Mean)} ± {F(Sd)}" };
    }
}
