namespace SaePipeline.Evals.ScrTpp;

/// <summary>
/// Which latents SCR and TPP ablate (SAEBench get_effects_per_class_precomputed_acts and select_top_n_features,
/// docs/saebench.md §2.7). On the <em>train</em> texts of a probe's positives and negatives, with a_e = S_e / (real tokens
/// of e) each text's mean latent vector:
/// <code>
///   Δ = mean_pos(a) − mean_neg(a)          g = W_dec · w_probe          SCR: effect = |Δ ⊙ g|     TPP: effect = max(Δ, 0) ⊙ g
/// </code>
/// a mean-difference times decoder-probe alignment attribution (not a gradient). The top N latents by effect are
/// taken among the non-zero ones (k = min(N, #non-zero); TPP's effects can be negative and are then ranked by value,
/// as torch.topk does). Ties, which torch.topk leaves unspecified, go to the lower index here.
/// </summary>
public static class NodeEffects
{
    public static double[] Scr(LatentSums train, IReadOnlyList<int> positives, IReadOnlyList<int> negatives, double[] attribution)
    {
        var delta = MeanDifference(train, positives, negatives);
        for (int i = 0; i < delta.Length; i++) delta[i] = Math.Abs(delta[i] * attribution[i]);
        return delta;
    }

    public static double[] Tpp(LatentSums train, IReadOnlyList<int> positives, IReadOnlyList<int> negatives, double[] attribution)
    {
        var delta = MeanDifference(train, positives, negatives);
        for (int i = 0; i < delta.Length; i++) delta[i] = Math.Max(delta[i], 0) * attribution[i];
        return delta;
    }

    /// <summary>mean over positives of S_e/n_e minus the same over negatives; a text with no real token counts as zeros.</summary>
    public static double[] MeanDifference(LatentSums sums, IReadOnlyList<int> positives, IReadOnlyList<int> negatives)
    {
        var delta = new double[sums.DSae];
        Accumulate(sums, positives, delta, +1.0 / Math.Max(1, positives.Count));
        Accumulate(sums, negatives, delta, -1.0 / Math.Max(1, negatives.Count));
        return delta;
    }

    static void Accumulate(LatentSums sums, IReadOnlyList<int> rows, double[] into, double weight)
    {
        foreach (int r in rows)
        {
            if (sums.ValidTokens[r] == 0) continue;
            double scale = weight / sums.ValidTokens[r];
            var row = sums.Row(r);
            for (int i = 0; i < into.Length; i++) into[i] += scale * row[i];
        }
    }

    /// <summary>The latents with the <paramref name="n"/> largest non-zero effects, largest first.</summary>
    public static int[] Top(double[] effects, int n)
    {
        var nonZero = Enumerable.Range(0, effects.Length).Where(i => effects[i] != 0).ToArray();
        Array.Sort(nonZero, (a, b) => effects[b] != effects[a] ? effects[b].CompareTo(effects[a]) : a.CompareTo(b));
        return nonZero.Length <= n ? nonZero : nonZero[..n];
    }
}
