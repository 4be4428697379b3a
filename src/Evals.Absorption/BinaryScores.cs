namespace SaePipeline.Evals.Absorption;

/// <summary>F1, precision and recall of a binary prediction, as sklearn computes them (0 where a ratio is 0/0).</summary>
public readonly record struct BinaryScores(double F1, double Precision, double Recall)
{
    public static BinaryScores Of(IReadOnlyList<bool> truth, IReadOnlyList<bool> predicted)
    {
        int tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < truth.Count; i++)
        {
            if (predicted[i] && truth[i]) tp++;
            else if (predicted[i]) fp++;
            else if (truth[i]) fn++;
        }
        double precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
        double recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
        double f1 = 2 * tp + fp + fn == 0 ? 0 : 2.0 * tp / (2 * tp + fp + fn);
        return new BinaryScores(f1, precision, recall);
    }
}
