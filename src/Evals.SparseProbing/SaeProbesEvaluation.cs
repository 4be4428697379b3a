using SaePipeline.Probes;

namespace SaePipeline.Evals.SparseProbing;

/// <summary>One task's test scores: the model's probe on all dimensions, and the SAE's on its top k latents per k.</summary>
public sealed record SaeProbesTaskResult(string Task, BinaryTaskScores Llm, IReadOnlyDictionary<int, BinaryTaskScores> Sae);

/// <summary>
/// The sae-probes protocol on one task: rank the SAE's latents by how differently the two classes use them
/// (<see cref="RankLatents"/>), then for each k a regularisation-searched logistic regression on the top k latents
/// (<see cref="SaeProbesProbe"/>), L1-penalised by default as in SAEBench. The baseline, an L2 regression on all of
/// the model's dimensions, does not depend on the SAE: PrepareSaeProbes computes it once (<see cref="SaeProbesBaseline"/>).
/// </summary>
public static class SaeProbesEvaluation
{
    /// <param name="llm">The task's baseline, from <see cref="SaeProbesBaselineFile"/>.</param>
    /// <param name="penalty">The SAE probes' penalty (evals.sae_probes.reg_type; sae-probes' baseline is always L2).</param>
    public static SaeProbesTaskResult Evaluate(SaeProbesTask task, LastTokenRows train, LastTokenRows test, IReadOnlyList<int> ks, long seed, BinaryTaskScores llm,
                                               ProbePenalty penalty = ProbePenalty.L1)
    {
        var random = SaeProbesProbe.Folds(seed, task, "sae");
        var order = RankLatents(train.Latents, train.DSae, task.TrainRows, task.TrainLabels);
        var sae = ks.Where(k => k <= train.DSae).ToDictionary(k => k, k => SaeProbesProbe.Score(task, train.Latents, test.Latents, train.DSae, order[..k], random, penalty));
        return new SaeProbesTaskResult(task.Name, llm, sae);
    }

    /// <summary>
    /// sae-probes' <c>get_sorted_indices_new</c>: each latent's activations divided by its mean over the rows where it
    /// fires (so a rarely-firing, large latent and a dense, small one compare), then latents ordered by the absolute
    /// difference of the classes' means, largest first (ties to the lower index).
    /// </summary>
    public static int[] RankLatents(float[] latents, int dSae, int[] rows, float[] labels)
    {
        var sum = new double[dSae];
        var nonZero = new int[dSae];
        var positive = new double[dSae];
        var negative = new double[dSae];
        int nPos = 0, nNeg = 0;
        for (int r = 0; r < rows.Length; r++)
        {
            var f = latents.AsSpan(rows[r] * dSae, dSae);
            for (int i = 0; i < dSae; i++)
            {
                sum[i] += f[i];
                if (f[i] != 0) nonZero[i]++;
            }
        }
        for (int r = 0; r < rows.Length; r++)
        {
            var f = latents.AsSpan(rows[r] * dSae, dSae);
            var target = labels[r] > 0.5f ? positive : negative;
            if (labels[r] > 0.5f) nPos++; else nNeg++;
            for (int i = 0; i < dSae; i++) target[i] += f[i] / (sum[i] / (nonZero[i] + 1e-6) + 1e-6);
        }
        var gap = new double[dSae];
        for (int i = 0; i < dSae; i++) gap[i] = Math.Abs(positive[i] / Math.Max(1, nPos) - negative[i] / Math.Max(1, nNeg));
        return Enumerable.Range(0, dSae).OrderByDescending(i => gap[i]).ThenBy(i => i).ToArray();
    }
}
