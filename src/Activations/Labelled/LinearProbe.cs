namespace SaePipeline.Activations.Labelled;

/// <summary>
/// SAEBench's probe (probe_training.Probe, a <c>Linear(D, 1)</c>): logit = w·x + b, predicting the positive class when
/// the logit is above 0. Every stage computes a logit with <see cref="Logit"/> (float64 sum, fixed order), so a clean
/// accuracy TrainProbes records and the same accuracy an evaluation recomputes agree to the bit.
/// </summary>
public sealed record LinearProbe(float[] Weight, float Bias)
{
    public int Dim => Weight.Length;

    public double Logit(ReadOnlySpan<float> x)
    {
        double sum = Bias;
        for (int d = 0; d < Weight.Length; d++) sum += (double)Weight[d] * x[d];
        return sum;
    }

    /// <summary>SAEBench's test_probe_gpu: the fraction of examples whose (logit &gt; 0) equals the 0/1 label.</summary>
    public double Accuracy(PooledRows pooled, ProbeExamples examples)
    {
        int correct = 0;
        for (int i = 0; i < examples.Count; i++)
            if (Logit(pooled.Row(examples.Rows[i])) > 0 == examples.Labels[i] > 0.5f) correct++;
        return (double)correct / examples.Count;
    }
}

/// <summary>Mean-pooled activations of the texts of one split, row-major [Rows, Dim], with each text's count of real tokens.</summary>
public sealed record PooledRows(float[] Values, int Dim, int[] ValidTokens)
{
    public int Rows => ValidTokens.Length;

    public ReadOnlySpan<float> Row(int row) => Values.AsSpan(row * Dim, Dim);
}
