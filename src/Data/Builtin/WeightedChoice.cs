using SaePipeline.Runtime;

namespace SaePipeline.Data.Builtin;

/// <summary>Draws index i with probability w_i / Σw, by binary search over the cumulative weights.</summary>
public sealed class WeightedChoice
{
    readonly double[] cumulative;

    public WeightedChoice(IReadOnlyList<double> weights)
    {
        if (weights.Count == 0 || weights.Any(w => w < 0 || !double.IsFinite(w)) || weights.Sum() <= 0)
            throw new ArgumentException("weights must be finite, non-negative and not all zero", nameof(weights));
        cumulative = new double[weights.Count];
        double total = weights.Sum(), running = 0;
        for (int i = 0; i < weights.Count; i++) cumulative[i] = (running += weights[i]) / total;
        cumulative[^1] = 1.0;
    }

    /// <summary>The normalised weights, Σ = 1.</summary>
    public double Probability(int i) => cumulative[i] - (i == 0 ? 0 : cumulative[i - 1]);

    public int Count => cumulative.Length;

    public int Sample(SplitMix64 random)
    {
        double u = random.NextDouble();
        int i = Array.BinarySearch(cumulative, u);
        // Bucket i covers [c_{i-1}, c_i): an exact hit on c_i (or on a run of equal c's) belongs further on.
        if (i < 0) i = ~i;
        else while (cumulative[i] <= u) i++;
        return i;
    }
}
