using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace SaePipeline.Evals.Synthetic;

/// <summary>How well a dictionary recovers planted features (docs/sae-training.md §6.3).</summary>
public sealed record FeatureRecoveryScores(
    double Mmcs, double Mcc, double FracRecovered,
    double[] MaxCosine, int[] BestLatent, int[] MatchedLatent, double[] MatchedAbsCosine);

public static class FeatureRecovery
{
    /// <summary>
    /// Compares true features G [n, d] with learned directions D [F, d] (decoder rows) by cosine similarity:
    /// MMCS = mean over true features of the largest signed cosine with any direction (recall-like; one direction
    /// may serve several features); MCC = mean over true features of |cos| under a one-to-one matching that maximises
    /// the total |cos| (Hungarian; O'Neill &amp; Klindt), where a true feature left unmatched (F &lt; n) counts 0;
    /// frac_recovered = share of true features whose best cosine is at least <paramref name="recoveredCosine"/>.
    /// Chance for random directions is not 0: about √(2 ln F / d), e.g. ≈0.2 for F = 512, d = 256.
    /// </summary>
    public static FeatureRecoveryScores Score(Tensor trueFeatures, Tensor directions, double recoveredCosine)
    {
        using var scope = NewDisposeScope();
        var g = trueFeatures.to(float64).cpu();
        var d = directions.to(float64).cpu();
        // A zero row (e.g. a never-trained latent of a foreign SAE) has cosine 0 with everything, not NaN.
        var cos = (g / g.norm(dim: 1, keepdim: true).clamp_min(1e-12)).matmul((d / d.norm(dim: 1, keepdim: true).clamp_min(1e-12)).t()).contiguous();   // [n, F]
        int n = (int)cos.shape[0], f = (int)cos.shape[1];
        var (max, argmax) = cos.max(dim: 1);
        double[] maxCosine = MemoryMarshal.Cast<byte, double>(max.contiguous().bytes).ToArray();
        int[] best = MemoryMarshal.Cast<byte, long>(argmax.contiguous().bytes).ToArray().Select(x => (int)x).ToArray();

        var abs = new double[n, f];
        MemoryMarshal.Cast<byte, double>(cos.abs().contiguous().bytes).CopyTo(MemoryMarshal.CreateSpan(ref abs[0, 0], n * f));
        var matched = Enumerable.Repeat(-1, n).ToArray();
        var matchedAbs = new double[n];
        foreach (var (row, column) in LinearAssignment.Maximize(abs))
        {
            matched[row] = column;
            matchedAbs[row] = abs[row, column];
        }
        return new FeatureRecoveryScores(
            Mmcs: maxCosine.Average(),
            Mcc: matchedAbs.Sum() / n,
            FracRecovered: maxCosine.Count(c => c >= recoveredCosine) / (double)n,
            maxCosine, best, matched, matchedAbs);
    }
}
