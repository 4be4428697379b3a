namespace SaePipeline.Evals.Absorption;

/// <summary>
/// A letter's main latents (SAEBench's <c>add_feature_splits_to_metrics_df</c>): walk k = 1, 2, … and keep the k-sparse
/// probe's latents while its test F1 beats the best so far by more than the jump threshold; stop at the first k that
/// does not. More than one main latent means the letter's feature split across latents.
/// </summary>
public static class FeatureSplits
{
    /// <param name="f1ByK">Test F1 of the k-sparse probe for k = 1, 2, … (index k − 1).</param>
    /// <param name="latentsByK">Its latents for each k.</param>
    public static IReadOnlyList<int> MainLatents(IReadOnlyList<double> f1ByK, IReadOnlyList<IReadOnlyList<int>> latentsByK, double jumpThreshold)
    {
        double best = -100;     // SAEBench's start: the k = 1 probe is always taken
        IReadOnlyList<int> main = [];
        for (int k = 0; k < f1ByK.Count; k++)
        {
            if (!(f1ByK[k] > best + jumpThreshold)) break;
            best = f1ByK[k];
            main = latentsByK[k];
        }
        return main;
    }
}
