using SaePipeline.Optim;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Evals.Absorption;

/// <summary>A linear one-vs-rest probe per class: score_c(x) = W_c·x + b_c, class c predicted when its score is above 0.</summary>
/// <param name="Weights">Row-major [classes, dim].</param>
public sealed record LinearMultiProbe(float[] Weights, float[] Bias, int Classes, int Dim)
{
    public double Score(ReadOnlySpan<float> x, int c)
    {
        double sum = Bias[c];
        var w = Weights.AsSpan(c * Dim, Dim);
        for (int d = 0; d < Dim; d++) sum += w[d] * x[d];
        return sum;
    }

    /// <summary>Class c's weight vector scaled to unit norm: the letter's direction in activation space.</summary>
    public float[] UnitDirection(int c)
    {
        var w = Weights.AsSpan(c * Dim, Dim);
        double norm = 0;
        foreach (float v in w) norm += (double)v * v;
        norm = Math.Sqrt(norm);
        var result = new float[Dim];
        for (int d = 0; d < Dim; d++) result[d] = (float)(w[d] / norm);
        return result;
    }
}

/// <summary>How a <see cref="LetterProbe"/> trains: epochs, minibatch, Adam's learning rate decaying exponentially to
/// <paramref name="EndLr"/> over the epochs, L2 weight decay (Adam's coupled form) and an optional L1 on the weights.</summary>
public sealed record MultiProbeSettings(int Epochs, int BatchSize, double Lr, double WeightDecay, double L1Decay = 0, double EndLr = 1e-5);

/// <summary>
/// SAEBench's absorption probe (<c>train_multi_probe</c>): a <c>Linear(dim, classes)</c> with PyTorch's default
/// initialisation (weight and bias uniform in ±1/√dim), trained on
/// <code>loss = mean over batch and classes of BCEWithLogits(score, one_hot, pos_weight_c) + l1 · mean_c Σ_d |W_cd|</code>
/// with pos_weight_c = negatives/positives of class c in the training set (so each letter's rare positives weigh as
/// much as its negatives), PyTorch's Adam with coupled weight decay, minibatches in a fresh order every epoch, and the
/// learning rate multiplied by γ = (end/start)^(1/epochs) after each epoch. The letter probe is this with 26 classes
/// on activations; the k-sparse ranking probe is this with an L1 on SAE latents.
/// </summary>
public static class LetterProbe
{
    /// <param name="x">Row-major [n, dim] features.</param>
    /// <param name="labels">Each row's class in [0, classes).</param>
    public static LinearMultiProbe Train(float[] x, int n, int dim, int[] labels, int classes, MultiProbeSettings s, long seed, Device device)
    {
        using var scope = NewDisposeScope();
        return Train(tensor(x, [n, dim], device: device), labels, classes, s, seed, "absorption-probe");
    }

    /// <param name="features">[n, dim] float32 on the device the probe trains on.</param>
    /// <param name="stream">Names the seed's random stream, so two probes of one seed draw independently.</param>
    public static LinearMultiProbe Train(Tensor features, int[] labels, int classes, MultiProbeSettings s, long seed, string stream)
    {
        using var scope = NewDisposeScope();
        var device = features.device;
        int n = (int)features.shape[0], dim = (int)features.shape[1];
        var generator = TorchRuntime.Generator(seed, stream);
        var targets = nn.functional.one_hot(tensor(labels.Select(l => (long)l).ToArray(), device: device), classes).to(float32);
        var positives = targets.sum(dim: 0);
        // A class with no training positives has nothing to weigh up; weight 1 keeps its loss finite.
        var posWeight = where(positives.gt(0), (n - positives) / positives.clamp_min(1), ones_like(positives));

        double bound = 1 / Math.Sqrt(dim);
        var weight = (rand([classes, dim], generator: generator) * (2 * bound) - bound).to(device).requires_grad_();
        var bias = (rand([classes], generator: generator) * (2 * bound) - bound).to(device).requires_grad_();
        using var adam = new Adam([weight, bias], 0.9, 0.999);
        double gamma = Math.Exp(Math.Log(s.EndLr / s.Lr) / s.Epochs);
        double lr = s.Lr;
        for (int epoch = 0; epoch < s.Epochs; epoch++)
        {
            var order = randperm(n, generator: generator).to(device);
            for (int start = 0; start < n; start += s.BatchSize)
            {
                using var step = NewDisposeScope();
                var rows = order.narrow(0, start, Math.Min(s.BatchSize, n - start));
                var scores = features.index_select(0, rows).matmul(weight.t()) + bias;
                var loss = nn.functional.binary_cross_entropy_with_logits(scores, targets.index_select(0, rows), pos_weights: posWeight);
                if (s.L1Decay > 0) loss = loss + s.L1Decay * weight.abs().sum(dim: 1).mean();
                adam.ZeroGrad();
                loss.backward();
                if (s.WeightDecay > 0)
                    using (no_grad())
                    {
                        weight.grad!.add_(weight, alpha: s.WeightDecay);
                        bias.grad!.add_(bias, alpha: s.WeightDecay);
                    }
                adam.Step(lr);
            }
            lr *= gamma;
        }
        return new LinearMultiProbe(weight.detach().cpu().data<float>().ToArray(), bias.detach().cpu().data<float>().ToArray(), classes, dim);
    }
}
