using SaePipeline.Runtime;

namespace SaePipeline.Probes;

/// <summary>
/// One probe of the sae-probes protocol: a logistic regression on some columns of a task's features (the model's
/// dimensions or an SAE's top latents), its strength chosen by <see cref="RegularisationSearch"/>, scored on the test rows.
/// </summary>
public static class SaeProbesProbe
{
    /// <param name="trainFeatures">Row-major [train texts, width]; <paramref name="testFeatures"/> likewise for the test texts.</param>
    /// <param name="columns">The feature columns the probe reads, in order.</param>
    public static BinaryTaskScores Score(SaeProbesTask task, float[] trainFeatures, float[] testFeatures, int width, int[] columns, SplitMix64 random,
                                         ProbePenalty penalty = ProbePenalty.L2)
    {
        int k = columns.Length;
        var x = Gather(trainFeatures, width, task.TrainRows, columns);
        var (fit, _) = RegularisationSearch.Fit(x, task.TrainRows.Length, k, task.TrainLabels, random, penalty);
        var testX = Gather(testFeatures, width, task.TestRows, columns);
        var logits = Enumerable.Range(0, task.TestRows.Length).Select(i => fit.Logit(testX.AsSpan(i * k, k))).ToList();
        return BinaryTaskScores.Of(task.TestLabels.Select(y => y > 0.5f).ToList(), logits);
    }

    /// <summary>The random stream of a task's validation folds; <paramref name="side"/> is "llm" or "sae".</summary>
    public static SplitMix64 Folds(long seed, SaeProbesTask task, string side) => SplitMix64.For(seed, $"sae-probes-cv/{task.Name}/{side}");

    static float[] Gather(float[] features, int width, int[] rows, int[] columns)
    {
        var x = new float[rows.Length * columns.Length];
        for (int r = 0; r < rows.Length; r++)
        {
            var source = features.AsSpan(rows[r] * width, width);
            for (int j = 0; j < columns.Length; j++) x[r * columns.Length + j] = source[columns[j]];
        }
        return x;
    }
}
