namespace SaePipeline.Config;

/// <summary>Per-feature firing probabilities of the planted-feature source, scaled so Σ p_i = mean_active.</summary>
public static class FiringProbabilities
{
    public static double[] Compute(SyntheticSourceConfig source)
    {
        var f = source.Firing;
        var weights = new double[source.NFeatures];
        for (int i = 0; i < weights.Length; i++)
            weights[i] = f.Distribution switch
            {
                FiringDistribution.Geometric => Math.Pow(f.Decay, i),
                FiringDistribution.Zipf => Math.Pow(i + 1, -f.Exponent),
                _ => throw new ArgumentOutOfRangeException(nameof(source)),
            };
        double scale = f.MeanActive / weights.Sum();
        return weights.Select(w => w * scale).ToArray();
    }
}
