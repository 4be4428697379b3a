using SaePipeline.Config;
using SaePipeline.Optim;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Models.Builtin;

/// <summary>One point of the training curve: mean next-token CE over the steps since the previous point.</summary>
public sealed record LossPoint(int Step, double Loss, double Lr);

/// <summary>
/// Next-token pretraining of a <see cref="LanguageModel"/> built from <see cref="InitialWeights"/>, on packed rows
/// [rows, context]. Rows are visited in a seeded random order (a fresh permutation per epoch), so the run is a pure
/// function of the rows, the settings and the seed.
/// </summary>
public sealed class Pretrainer(LanguageModel model, PretrainingSettings settings, Action<string> log)
{
    /// <summary>Trains in place; returns the curve, one point per <paramref name="logEvery"/> steps.</summary>
    public IReadOnlyList<LossPoint> Train(int[,] rows, long seed, int logEvery, Progress? progress = null)
    {
        int n = rows.GetLength(0), context = rows.GetLength(1);
        if (n < settings.BatchRows) throw new PipelineException($"pretraining needs at least {settings.BatchRows} rows, got {n}", "pretrain");
        var parameters = model.Weights.Select(w => w.Tensor).ToList();
        foreach (var p in parameters) p.requires_grad_(true);
        // Decay matrices and embeddings, not LayerNorm scales or biases (nanoGPT's rule: every tensor with ≥ 2 dims).
        var decayed = parameters.Where(p => p.dim() >= 2).ToList();
        using var adam = new Adam(parameters, settings.Beta1, settings.Beta2);
        var order = new Order(n, seed);
        var curve = new List<LossPoint>();
        var batch = new long[settings.BatchRows * context];
        double lossSum = 0;
        int lossCount = 0;
        try
        {
            for (int step = 0; step < settings.Steps; step++)
            {
                for (int r = 0; r < settings.BatchRows; r++)
                {
                    int row = order.Next();
                    for (int t = 0; t < context; t++) batch[r * context + t] = rows[row, t];
                }
                double lr = settings.LrAt(step);
                using (var scope = NewDisposeScope())
                {
                    var ids = tensor(batch, [settings.BatchRows, context], ScalarType.Int64, model.Device);
                    using var result = model.Forward(ids, null, new ForwardRequest { Loss = true });
                    var loss = result.TokenLoss!.mean();
                    loss.backward();
                    lossSum += loss.item<float>();
                    lossCount++;
                    using (no_grad())
                    {
                        ClipGradients(parameters, settings.GradClip);
                        foreach (var p in decayed) p.mul_(1 - lr * settings.WeightDecay);   // AdamW: decay before the Adam step
                    }
                    adam.Step(lr);
                    adam.ZeroGrad();
                }
                if ((step + 1) % logEvery == 0 || step == settings.Steps - 1)
                {
                    curve.Add(new LossPoint(step + 1, lossSum / lossCount, lr));
                    log($"step {step + 1}/{settings.Steps}: train CE {lossSum / lossCount:F3}, lr {lr:G3}");
                    lossSum = 0;
                    lossCount = 0;
                }
                progress?.Report(step + 1);
            }
        }
        finally
        {
            foreach (var p in parameters)
            {
                p.requires_grad_(false);
                p.grad?.Dispose();
            }
        }
        return curve;
    }

    /// <summary>Mean next-token CE over every target position of <paramref name="rows"/>, in nats.</summary>
    public static double HeldoutCrossEntropy(LanguageModel model, int[,] rows, int batchRows)
    {
        int n = rows.GetLength(0), context = rows.GetLength(1);
        double sum = 0;
        long count = 0;
        using var noGrad = no_grad();
        for (int start = 0; start < n; start += batchRows)
        {
            int b = Math.Min(batchRows, n - start);
            var ids = new long[b * context];
            for (int r = 0; r < b; r++)
                for (int t = 0; t < context; t++) ids[r * context + t] = rows[start + r, t];
            using var scope = NewDisposeScope();
            using var result = model.Forward(tensor(ids, [b, context], ScalarType.Int64, model.Device), null, new ForwardRequest { Loss = true });
            sum += result.TokenLoss!.to(ScalarType.Float64).sum().item<double>();
            count += result.TokenLoss.numel();
        }
        return sum / count;
    }

    /// <summary>Scales all gradients together so their global L2 norm is at most <paramref name="maxNorm"/>.</summary>
    static void ClipGradients(IReadOnlyList<Tensor> parameters, double maxNorm)
    {
        var grads = parameters.Select(p => p.grad).OfType<Tensor>().ToList();
        double total = Math.Sqrt(grads.Sum(g => g.pow(2).sum().item<float>()));
        if (total > maxNorm)
            foreach (var g in grads) g.mul_(maxNorm / (total + 1e-6));
    }

    /// <summary>Row order: a seeded permutation, redrawn at the start of every epoch.</summary>
    sealed class Order(int n, long seed)
    {
        readonly SplitMix64 random = SplitMix64.For(seed, "pretrain/order");
        int[] permutation = [];
        int next;

        public int Next()
        {
            if (next == permutation.Length)
            {
                permutation = Enumerable.Range(0, n).ToArray();
                random.Shuffle(permutation);
                next = 0;
            }
            return permutation[next++];
        }
    }
}
