namespace SaePipeline.Probes;

/// <summary>
/// sae-probes' three test metrics of a binary probe: accuracy, ROC AUC of its scores, and sklearn's weighted F1 (each
/// class's F1 weighted by its share of the test set). A logit above 0 predicts the positive class.
/// </summary>
public readonly record struct BinaryTaskScores(double Accuracy, double Auc, double F1)
{
    public static BinaryTaskScores Of(IReadOnlyList<bool> truth, IReadOnlyList<double> logits)
    {
        int n = truth.Count, correct = 0;
        for (int i = 0; i < n; i++) if (logits[i] > 0 == truth[i]) correct++;
        var predicted = logits.Select(z => z > 0).ToList();
        int positives = truth.Count(t => t);
        double f1 = (positives * ClassF1(truth, predicted, true) + (n - positives) * ClassF1(truth, predicted, false)) / n;
        return new BinaryTaskScores((double)correct / n, RocAuc(truth, logits), f1);
    }

    /// <summary>The Mann–Whitney form of ROC AUC: the chance a positive outscores a negative, ties counting half (average ranks).</summary>
    public static double RocAuc(IReadOnlyList<bool> truth, IReadOnlyList<double> scores)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        var ranks = new double[scores.Count];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]]) end++;
            double rank = (start + end) / 2.0 + 1;
            for (int j = start; j <= end; j++) ranks[order[j]] = rank;
            start = end + 1;
        }
        long positives = truth.Count(t => t), negatives = truth.Count - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        double sum = 0;
        for (int i = 0; i < truth.Count; i++) if (truth[i]) sum += ranks[i];
        return (sum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    static double ClassF1(IReadOnlyList<bool> truth, IReadOnlyList<bool> predicted, bool cls)
    {
        int tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < truth.Count; i++)
        {
            if (predicted[i] == cls && truth[i] == cls) tp++;
            else if (predicted[i] == cls) fp++;
            else if (truth[i] == cls) fn++;
        }
        return 2 * tp + fp + fn == 0 ? 0 : 2.0 * tp / (2 * tp + fp + fn);
    }
}
