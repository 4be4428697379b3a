using SaePipeline.Activations.Labelled;
using SaePipeline.Config;
using SaePipeline.Probes;
using SaePipeline.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch.nn.functional;
using static TorchSharp.torch;

namespace SaePipeline.Tests.ScrTpp;

/// <summary>
/// The probe trainer: its hand-written gradient and AdamW against PyTorch's autograd and torch.optim.AdamW (through
/// TorchSharp) on the same batches; best-test-epoch selection; learning a planted direction.
/// </summary>
public sealed class ProbeTrainerTests
{
    const int D = 12;

    /// <summary>Rows x ~ U(−1, 1)^D labelled by the sign of x·u + noise.</summary>
    static (PooledRows Rows, ProbeExamples Examples) Planted(int n, int seed, float[] u, double noise)
    {
        var random = new Random(seed);
        var values = new float[n * D];
        var labels = new float[n];
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int d = 0; d < D; d++) s += (values[i * D + d] = (float)(random.NextDouble() * 2 - 1)) * u[d];
            labels[i] = s + noise * (random.NextDouble() - 0.5) > 0 ? 1 : 0;
        }
        return (new PooledRows(values, D, new int[n]), new ProbeExamples(Enumerable.Range(0, n).ToArray(), labels));
    }

    static readonly float[] U = Enumerable.Range(0, D).Select(d => d % 3 == 0 ? 1f : d % 3 == 1 ? -0.5f : 0f).ToArray();

    [Fact]
    public void StepsMatchAutogradAndTorchAdamW()
    {
        var (rows, examples) = Planted(64, 1, U, 0.5);
        float[] w0 = Enumerable.Range(0, D).Select(d => (d - 5) * 0.03f).ToArray();
        w0[4] = 0;   // an exact zero: d|w|/dw is 0 there, for autograd and for us
        const float b0 = 0.05f;
        const double lr = 0.01, l1 = 0.003;
        var ours = new ProbeOptimizer(w0, b0, lr, l1);

        using var weight = new Parameter(tensor(w0));
        using var bias = new Parameter(tensor(new[] { b0 }));
        using var adamW = TorchSharp.torch.optim.AdamW([weight, bias], lr: lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01);
        using var x = tensor(rows.Values, [64, D]);
        using var y = tensor(examples.Labels);
        for (int step = 0; step < 40; step++)
        {
            int start = step * 16 % 64;
            var batch = Enumerable.Range(start, 16).ToArray();
            ours.Step(rows, batch, examples.Labels.AsSpan(start, 16));
            using var scope = NewDisposeScope();
            var logits = x.narrow(0, start, 16).matmul(weight).add(bias);
            var loss = binary_cross_entropy_with_logits(logits, y.narrow(0, start, 16)) + weight.abs().sum() * l1;
            adamW.zero_grad();
            loss.backward();
            adamW.step();
        }
        var probe = ours.Probe;
        var expected = weight.detach().data<float>().ToArray();
        for (int d = 0; d < D; d++) Assert.Equal(expected[d], probe.Weight[d], 1e-5);
        Assert.Equal(bias.detach().item<float>(), probe.Bias, 1e-5);
    }

    [Fact]
    public void KeepsTheBestTestEpochAndStopsAfterPatience()
    {
        var (trainRows, train) = Planted(400, 2, U, 1.5);
        var (testRows, test) = Planted(200, 3, U, 1.5);
        var settings = new ProbeSettings { Epochs = 12, EarlyStoppingPatience = 12, Lr = 0.01 };
        double previous = 0;
        for (int epochs = 1; epochs <= 12; epochs++)
        {
            // The same seed replays the same epochs, so the best over the first k epochs can only grow with k.
            var trained = ProbeTrainer.Train(trainRows, train, testRows, test, settings with { Epochs = epochs }, new SplitMix64(9));
            Assert.True(trained.TestAccuracy >= previous);
            Assert.InRange(trained.BestEpoch, 1, epochs);
            Assert.Equal(trained.TestAccuracy, trained.Probe.Accuracy(testRows, test));   // the kept probe is the one scored
            previous = trained.TestAccuracy;
        }
        var stopped = ProbeTrainer.Train(trainRows, train, testRows, test, settings with { Epochs = 200, EarlyStoppingPatience = 2 }, new SplitMix64(9));
        Assert.True(stopped.Epochs < 200);
        Assert.Equal(stopped.BestEpoch + 2, stopped.Epochs);   // two epochs without a strictly better test accuracy
    }

    [Fact]
    public void LearnsAPlantedDirectionDeterministically()
    {
        var (trainRows, train) = Planted(1000, 4, U, 0.2);
        var (testRows, test) = Planted(500, 5, U, 0.2);
        var settings = new ProbeSettings();
        var a = ProbeTrainer.Train(trainRows, train, testRows, test, settings, new SplitMix64(42));
        var b = ProbeTrainer.Train(trainRows, train, testRows, test, settings, new SplitMix64(42));
        Assert.True(a.TestAccuracy > 0.93, $"test accuracy {a.TestAccuracy}");
        double dot = 0, norm = 0, normU = 0;
        for (int d = 0; d < D; d++) (dot, norm, normU) = (dot + a.Probe.Weight[d] * U[d], norm + a.Probe.Weight[d] * a.Probe.Weight[d], normU + U[d] * U[d]);
        Assert.True(dot / Math.Sqrt(norm * normU) > 0.9, $"cosine with the planted direction {dot / Math.Sqrt(norm * normU)}");
        Assert.Equal(a.Probe.Weight, b.Probe.Weight);
        Assert.Equal(a.Probe.Bias, b.Probe.Bias);
    }

    /// <summary>
    /// SAEBench's best test accuracy starts at 0.0, not −∞ (docs/saebench.md §2.6): a probe that classifies no test
    /// example correctly is never kept, and SAEBench's assert stops the run; here that is a named error. The test set is
    /// the training set with its labels flipped, and the probe learns the training set perfectly at once.
    /// </summary>
    [Fact]
    public void AProbeThatNeverBeatsZeroTestAccuracyIsAnError()
    {
        var u = new float[D];
        u[0] = 1;
        var values = new float[40 * D];
        var labels = new float[40];
        for (int i = 0; i < 40; i++) (values[i * D], labels[i]) = i % 2 == 0 ? (10f, 1f) : (-10f, 0f);
        var rows = new PooledRows(values, D, new int[40]);
        var train = new ProbeExamples(Enumerable.Range(0, 40).ToArray(), labels);
        var flipped = new ProbeExamples(train.Rows, labels.Select(l => 1 - l).ToArray());
        var settings = new ProbeSettings { Epochs = 5, EarlyStoppingPatience = 5, Lr = 0.5, L1Penalty = 0 };

        var learned = ProbeTrainer.Train(rows, train, rows, train, settings, new SplitMix64(3));
        Assert.Equal(1.0, learned.TestAccuracy);   // the premise: on the unflipped labels every epoch is perfect
        var e = Assert.Throws<PipelineException>(() => ProbeTrainer.Train(rows, train, rows, flipped, settings, new SplitMix64(3)));
        Assert.Contains("test accuracy was 0 in every one of its 5 epochs", e.Message);
    }
}
