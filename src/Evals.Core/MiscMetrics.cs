namespace SaePipeline.Evals.Core;

/// <summary>
/// SAEBench core's misc_metrics (calculate_misc_metrics, docs/saebench.md §1.5), from the per-latent densities and maximum
/// cosine similarities. SAEBench holds the densities as a float32 tensor, so the thresholds compare float32 values with
/// float32(0.01) and float32(0.1) here too; a density that equals the threshold in float32 is not "over" it. The sums
/// and means are taken in float64 (SAEBench's float32 sums differ by rounding only).
/// </summary>
/// <param name="FracAlive">Share of latents with density &gt; 0 (fired at least once on a kept token).</param>
/// <param name="FreqOver1Percent">Share of latents with density &gt; 0.01.</param>
/// <param name="FreqOver10Percent">Share of latents with density &gt; 0.1.</param>
/// <param name="NormalizedFreqOver1Percent">Σ of the densities over 0.01 / Σ of all densities; 0 when no latent fired.</param>
/// <param name="NormalizedFreqOver10Percent">Σ of the densities over 0.1 / Σ of all densities; 0 when no latent fired.</param>
/// <param name="AverageMaxEncoderCosineSim">Mean over all latents, dead ones included, of max_encoder_cosine_sim.</param>
/// <param name="AverageMaxDecoderCosineSim">Mean over all latents, dead ones included, of max_decoder_cosine_sim.</param>
public sealed record MiscMetrics(
    double FracAlive,
    double FreqOver1Percent,
    double FreqOver10Percent,
    double NormalizedFreqOver1Percent,
    double NormalizedFreqOver10Percent,
    double AverageMaxEncoderCosineSim,
    double AverageMaxDecoderCosineSim)
{
    public static MiscMetrics Compute(SparsityVarianceResult sparsity, FeatureWeightStatistics weights) =>
        Compute(sparsity.FeatureDensity, weights.MaxEncoderCosineSim, weights.MaxDecoderCosineSim);

    public static MiscMetrics Compute(IReadOnlyList<double> featureDensity, IReadOnlyList<double> maxEncoderCosineSim,
                                      IReadOnlyList<double> maxDecoderCosineSim)
    {
        var density = featureDensity.Select(d => (float)d).ToArray();
        int n = density.Length;
        double total = density.Sum(d => (double)d);
        double Share(float threshold) => (double)density.Count(d => d > threshold) / n;
        // SAEBench: `if total_sum > 0` else 0.0, so a NaN total (no kept token) also gives 0.
        double Normalised(float threshold) => total > 0 ? density.Where(d => d > threshold).Sum(d => (double)d) / total : 0.0;
        return new MiscMetrics(
            FracAlive: Share(0f),
            FreqOver1Percent: Share(0.01f),
            FreqOver10Percent: Share(0.1f),
            NormalizedFreqOver1Percent: Normalised(0.01f),
            NormalizedFreqOver10Percent: Normalised(0.1f),
            AverageMaxEncoderCosineSim: maxEncoderCosineSim.Average(),
            AverageMaxDecoderCosineSim: maxDecoderCosineSim.Average());
    }
}
