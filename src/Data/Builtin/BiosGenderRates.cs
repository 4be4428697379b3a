using SaePipeline.Runtime;

namespace SaePipeline.Data.Builtin;

/// <summary>Per-profession female rates for a requested gender–profession Cramér's V (see <see cref="BiosSettings"/>).</summary>
public static class BiosGenderRates
{
    const double Floor = 0.01, Ceiling = 0.99;

    /// <summary>The real rates when <paramref name="cramersV"/> is null, otherwise the rescaled ones.</summary>
    public static double[] For(double? cramersV)
    {
        var real = BiosProfession.All.Select(p => p.FemalePercent / 100).ToArray();
        if (cramersV is not { } target) return real;
        var shares = BiosProfession.Shares();
        double top = SaturatingScale(real), reachable = CramersV(shares, Rescaled(real, top));
        if (!(target >= 0 && target <= reachable))
            throw new PipelineException($"bias_in_bios: gender-profession correlation {target} is out of reach; the reachable Cramér's V is 0 to {reachable:0.000}");
        // V(s) is continuous with V(0) = 0 and V(top) = reachable, so bisection finds an s with V(s) = target.
        double low = 0, high = top;
        for (int i = 0; i < 200 && high - low > 1e-12 * top; i++)
        {
            double mid = (low + high) / 2;
            if (CramersV(shares, Rescaled(real, mid)) < target) low = mid; else high = mid;
        }
        return Rescaled(real, (low + high) / 2);
    }

    /// <summary>Population Cramér's V between a binary variable (female rate f_p) and a categorical one (shares w_p).</summary>
    public static double CramersV(IReadOnlyList<double> shares, IReadOnlyList<double> femaleRates)
    {
        double mean = 0, spread = 0;
        for (int p = 0; p < shares.Count; p++) mean += shares[p] * femaleRates[p];
        for (int p = 0; p < shares.Count; p++) spread += shares[p] * (femaleRates[p] - mean) * (femaleRates[p] - mean);
        return Math.Sqrt(spread / (mean * (1 - mean)));
    }

    static double[] Rescaled(double[] real, double scale) =>
        real.Select(r => Math.Clamp(0.5 + scale * (r - 0.5), Floor, Ceiling)).ToArray();

    /// <summary>The scale at which every profession that deviates from 50% at all has reached a clamp.</summary>
    static double SaturatingScale(double[] real) =>
        (Ceiling - 0.5) / real.Select(r => Math.Abs(r - 0.5)).Where(d => d > 1e-12).DefaultIfEmpty(1).Min();
}
