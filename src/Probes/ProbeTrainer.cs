using SaePipeline.Activations.Labelled;
using SaePipeline.Config;
using SaePipeline.Data.Builtin;
using SaePipeline.Runtime;

namespace SaePipeline.Probes;

/// <summary>A trained probe and how its training went.</summary>
/// <param name="TestAccuracy">The best test accuracy over epochs: the one SAEBench reports and selects the probe by.</param>
/// <param name="TrainAccuracy">Train accuracy at that epoch.</param>
/// <param name="BestEpoch">1-based epoch of the selected probe.</param>
/// <param name="Epochs">Epochs run (fewer than configured when early stopping triggered).</param>
public sealed record TrainedProbe(LinearProbe Probe, double TestAccuracy, double TrainAccuracy, int BestEpoch, int Epochs);

/// <summary>
/// SAEBench's <c>train_probe_gpu</c> (docs/saebench.md §2.6): a <c>Linear(D, 1)</c> with PyTorch's default
/// initialisation (weight and bias uniform in ±1/√D), trained on
/// <code>loss = mean_batch BCEWithLogits(w·x + b, y) + l1_penalty · Σ_d |w_d|      (the bias is not penalised)</code>
/// with PyTorch's AdamW (β = (0.9, 0.999), ε = 1e−8, weight decay 0.01 on weight and bias alike, PyTorch's default
/// param group), in minibatches drawn in a fresh random order each epoch. After every epoch the probe is scored on
/// train and <em>test</em>; the probe kept is the one with the best test accuracy (strictly better than the best so
/// far), and training stops after <c>early_stopping_patience</c> epochs without one. Selecting on the test split is
/// SAEBench's choice, kept for parity: the reported accuracies are therefore slightly optimistic.
/// <para>
/// A probe step is a few thousand multiply-adds, far below a tensor library's per-call overhead (TorchSharp's
/// autograd and AdamW took about ten times as long per step here), so it is plain arithmetic on the CPU
/// (<see cref="ProbeOptimizer"/>), float32 parameters with float64 sums. SAEBench trains in the model's dtype (bf16 on Gemma-2); float32 is at least as accurate.
/// </para>
/// </summary>
public static class ProbeTrainer
{
    public static TrainedProbe Train(PooledRows trainRows, ProbeExamples train, PooledRows testRows, ProbeExamples test,
                                     ProbeSettings settings, SplitMix64 random)
    {
        int dim = trainRows.Dim, n = train.Count;
        double bound = 1 / Math.Sqrt(dim);
        var weight = new float[dim];
        for (int d = 0; d < dim; d++) weight[d] = (float)(-bound + 2 * bound * random.NextDouble());
        var optimizer = new ProbeOptimizer(weight, (float)(-bound + 2 * bound * random.NextDouble()), settings.Lr, settings.L1Penalty);

        // SAEBench starts from a best test accuracy of 0.0, so an epoch at accuracy 0 is no improvement and counts toward
        // the patience (docs/saebench.md §2.6).
        double best = 0.0, bestTrain = 0;
        int bestEpoch = 0, epochsRun = 0, sinceBest = 0;
        LinearProbe? bestProbe = null;
        var batchRows = new int[settings.TrainBatchSize];
        var batchLabels = new float[settings.TrainBatchSize];
        for (int epoch = 1; epoch <= settings.Epochs; epoch++)
        {
            var order = ProbeExamplesBuilder.Permutation(n, random);
            for (int start = 0; start < n; start += settings.TrainBatchSize)
            {
                int batch = Math.Min(settings.TrainBatchSize, n - start);
                for (int b = 0; b < batch; b++)
                {
                    batchRows[b] = train.Rows[order[start + b]];
                    batchLabels[b] = train.Labels[order[start + b]];
                }
                optimizer.Step(trainRows, batchRows.AsSpan(0, batch), batchLabels.AsSpan(0, batch));
            }
            epochsRun = epoch;
            var probe = optimizer.Probe;
            double trainAccuracy = probe.Accuracy(trainRows, train), testAccuracy = probe.Accuracy(testRows, test);
            if (testAccuracy > best) (best, bestTrain, bestEpoch, sinceBest, bestProbe) = (testAccuracy, trainAccuracy, epoch, 0, probe);
            else if (++sinceBest >= settings.EarlyStoppingPatience) break;
        }
        // SAEBench's `assert best_probe is not None`: no epoch classified a single test example correctly.
        if (bestProbe is null)
            throw new PipelineException($"the probe's test accuracy was 0 in every one of its {epochsRun} epochs, so SAEBench keeps no probe; " +
                                        $"the test labels are the opposite of the training labels, or the test set is one class the probe never predicts " +
                                        $"({test.Count} test examples, {test.Labels.Count(l => l > 0.5f)} positive)", "probe");
        return new TrainedProbe(bestProbe, best, bestTrain, bestEpoch, epochsRun);
    }
}

/// <summary>
/// One probe under SAEBench's loss and PyTorch's AdamW, a minibatch at a time. The gradient is written out:
/// ∂/∂z of the mean BCE is (σ(z) − y)/B, ∂Σ|w|/∂w = sign(w) (0 at 0, as autograd has it). Parameters are float32,
/// the optimizer state float64.
/// </summary>
public sealed class ProbeOptimizer(float[] weight, float bias, double lr, double l1Penalty)
{
    const double Beta1 = 0.9, Beta2 = 0.999, Eps = 1e-8, WeightDecay = 0.01;

    readonly float[] p = [.. weight, bias];   // weight, then the bias as the last entry
    readonly double[] m = new double[weight.Length + 1], v = new double[weight.Length + 1], grad = new double[weight.Length + 1];
    long step;

    /// <summary>A copy of the current parameters.</summary>
    public LinearProbe Probe => new(p[..^1], p[^1]);

    public void Step(PooledRows rows, ReadOnlySpan<int> batch, ReadOnlySpan<float> labels)
    {
        int dim = p.Length - 1;
        var probe = Probe;
        Array.Clear(grad);
        for (int b = 0; b < batch.Length; b++)
        {
            var x = rows.Row(batch[b]);
            double residual = (Sigmoid(probe.Logit(x)) - labels[b]) / batch.Length;
            for (int d = 0; d < dim; d++) grad[d] += residual * x[d];
            grad[dim] += residual;
        }
        for (int d = 0; d < dim; d++) grad[d] += l1Penalty * Math.Sign(p[d]);

        // torch.optim.AdamW: decoupled decay p ← p(1 − lr·λ), then Adam with bias-corrected moments.
        step++;
        double c1 = 1 - Math.Pow(Beta1, step), c2 = 1 - Math.Pow(Beta2, step);
        for (int i = 0; i < p.Length; i++)
        {
            double decayed = p[i] * (1 - lr * WeightDecay);
            m[i] = Beta1 * m[i] + (1 - Beta1) * grad[i];
            v[i] = Beta2 * v[i] + (1 - Beta2) * grad[i] * grad[i];
            p[i] = (float)(decayed - lr * (m[i] / c1) / (Math.Sqrt(v[i] / c2) + Eps));
        }
    }

    static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}
