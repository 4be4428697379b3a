using SaePipeline.Activations.Labelled;
namespace SaePipeline.Probes;

/// <summary>
/// SAEBench's top-k sparse probe (docs/saebench.md §3; <c>probe_training.get_top_k_mean_diff_mask</c>,
/// <c>apply_topk_mask_reduce_dim</c> and <c>train_sklearn_probe</c>): keep the k dimensions whose class means differ
/// most on the train split, and fit <see cref="L2LogisticRegression"/> on those columns alone.
/// </summary>
public static class TopKDimensions
{
    /// <summary>
    /// The k dimensions with the largest |mean over positives − mean over negatives| on <paramref name="train"/>, in
    /// ascending index order: SAEBench turns its top-k indices into a boolean mask and keeps <c>acts[:, ~mask]</c>, so
    /// the probe sees the columns in index order whatever order argsort ranked them in.
    /// <para>
    /// Ties go to the lower index (a stable descending sort). SAEBench uses <c>torch.argsort(descending=True)</c>,
    /// which is not stable, so on exact ties (e.g. several dead latents, all with difference 0, filling up k) it may
    /// pick other dimensions; the probe's accuracy is the same when the tied columns are identical (all zero).
    /// Means are float64 sums here and float32 in torch, so near-ties can also rank differently.
    /// </para>
    /// </summary>
    public static int[] Select(PooledRows rows, ProbeExamples train, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, rows.Dim);
        int dim = rows.Dim;
        var positiveSum = new double[dim];
        var negativeSum = new double[dim];
        int positives = 0, negatives = 0;
        for (int i = 0; i < train.Count; i++)
        {
            bool positive = train.Labels[i] > 0.5f;
            var sum = positive ? positiveSum : negativeSum;
            if (positive) positives++; else negatives++;
            var row = rows.Row(train.Rows[i]);
            for (int d = 0; d < dim; d++) sum[d] += row[d];
        }
        if (positives == 0 || negatives == 0)
            throw new ArgumentException("top-k selection needs train examples of both classes", nameof(train));

        var difference = new double[dim];
        for (int d = 0; d < dim; d++) difference[d] = Math.Abs(positiveSum[d] / positives - negativeSum[d] / negatives);

        // OrderByDescending is a stable sort: equal differences keep ascending index order.
        var top = Enumerable.Range(0, dim).OrderByDescending(d => difference[d]).Take(k).ToArray();
        Array.Sort(top);
        return top;
    }

    /// <summary>
    /// The columns <paramref name="dims"/> of the examples' rows, row-major [examples.Count, dims.Count]: the feature
    /// matrix <see cref="L2LogisticRegression.Fit"/> takes (SAEBench's <c>apply_topk_mask_reduce_dim</c>).
    /// </summary>
    public static float[] Gather(PooledRows rows, ProbeExamples examples, IReadOnlyList<int> dims)
    {
        int k = dims.Count;
        foreach (int d in dims)
            if ((uint)d >= (uint)rows.Dim) throw new ArgumentOutOfRangeException(nameof(dims), d, $"dimension outside 0..{rows.Dim - 1}");
        var features = new float[examples.Count * k];
        for (int i = 0; i < examples.Count; i++)
        {
            var row = rows.Row(examples.Rows[i]);
            for (int j = 0; j < k; j++) features[i * k + j] = row[dims[j]];
        }
        return features;
    }

    /// <summary>
    /// One top-k probe as SAEBench scores it: select k dimensions on train, fit sklearn's L2 logistic regression
    /// (C = 1) on them, and return sklearn's <c>accuracy_score</c> on test (the fraction of test examples whose
    /// prediction equals the label) with the dimensions used.
    /// </summary>
    public static (double TestAccuracy, int[] Dims) TopKProbe(PooledRows trainRows, ProbeExamples train,
                                                              PooledRows testRows, ProbeExamples test, int k)
    {
        if (testRows.Dim != trainRows.Dim)
            throw new ArgumentException($"train rows have {trainRows.Dim} dimensions, test rows {testRows.Dim}", nameof(testRows));
        if (test.Count == 0) throw new ArgumentException("no test examples", nameof(test));
        var dims = Select(trainRows, train, k);
        var fit = L2LogisticRegression.Fit(Gather(trainRows, train, dims), train.Count, k, train.Labels);
        var testFeatures = Gather(testRows, test, dims);
        int correct = 0;
        for (int i = 0; i < test.Count; i++)
            if (fit.Predict(testFeatures.AsSpan(i * k, k)) == test.Labels[i] > 0.5f) correct++;
        return ((double)correct / test.Count, dims);
    }
}
