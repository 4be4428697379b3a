using SaePipeline.Config;
using SaePipeline.Runtime;
using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Tests;

/// <summary>p_anneal against its definition: relu's L1 until anneal_start, then p in equal jumps to p_end with α rescaled at each.</summary>
public sealed class PAnnealTests
{
    const int DIn = 8, DSae = 32, Batch = 16;

    /// <summary>40 steps; jumps at 10 + ⌊j·30/5⌋ = 10, 16, 22, 28, 34, to p = 0.84, 0.68, 0.52, 0.36, 0.2.</summary>
    static readonly SaeConfig Config = new()
    {
        Name = "t", Architecture = SaeArchitecture.PAnneal, DSae = DSae, BatchSize = Batch, TrainingTokens = Batch * 40,
        L1Coefficient = 0.3, AnnealStart = 10, NSparsityUpdates = 5, PEnd = 0.2,
    };

    static ReluSae Make(SaeConfig config) => (ReluSae)SaeInitialization.Create(config, DIn, TorchRuntime.Generator(3, "test/init"), CPU);

    static Tensor Inputs(int seed) => randn([Batch, DIn], generator: new Generator((ulong)seed)) * 2;

    static StepContext At(long step, double sparsityScale = 1) => new(step, sparsityScale, zeros([DSae], ScalarType.Bool), 0);

    /// <summary>mean_b Σ_i f_i^p over the positive f, in float64.</summary>
    static double Lpp(Tensor f, double p)
    {
        var f64 = f.detach().to(float64);
        return f64.masked_select(f64.gt(0)).pow(p).sum().item<double>() / f.shape[0];
    }

    [Fact]
    public void BeforeAnnealStartPIsOneAndTheLossIsRelus()
    {
        using var sae = Make(Config);
        var anneal = new PAnnealObjective(Config, sae);
        var relu = new ReluL1Objective(Config with { Architecture = SaeArchitecture.Relu }, sae);
        for (int step = 0; step < 10; step++)
        {
            var x = Inputs(step);
            var context = At(step, sparsityScale: step / 5.0);
            var a = anneal.Forward(x, context);
            var r = relu.Forward(x, context);
            Assert.Equal(1.0, anneal.P);
            Assert.Equal(r.Loss.item<float>(), a.Loss.item<float>());
            Assert.Equal(r.Sparsity.item<float>(), a.Sparsity.item<float>());
        }
        anneal.Forward(Inputs(10), At(10));
        Assert.Equal(0.84, anneal.P, 12);
    }

    [Fact]
    public void PStepsLinearlyToPEndInNJumps()
    {
        using var sae = Make(Config);
        var anneal = new PAnnealObjective(Config, sae);
        (int From, double P)[] expected = [(0, 1), (10, 0.84), (16, 0.68), (22, 0.52), (28, 0.36), (34, 0.2)];
        for (int step = 0; step < Config.Steps; step++)
        {
            var output = anneal.Forward(Inputs(step), At(step));
            double p = expected.Last(e => e.From <= step).P;
            Assert.Equal(p, anneal.P, 12);
            Assert.Equal((float)p, output.Terms["p"].item<float>());
        }
        Assert.Equal(0.2, anneal.P);   // exactly p_end
    }

    [Fact]
    public void AtEachJumpAlphaIsRescaledByTheWindowsMeansSoThePenaltyKeepsItsMagnitude()
    {
        using var sae = Make(Config);
        var anneal = new PAnnealObjective(Config, sae);
        var latents = new List<Tensor>();
        var alphas = new List<double>();
        for (int step = 0; step <= 16; step++)
        {
            var x = Inputs(100 + step);
            anneal.Forward(x, At(step));
            using (no_grad()) latents.Add(sae.Encode(x));   // no optimizer step: the SAE is the one the objective saw
            alphas.Add(anneal.Alpha);
        }
        double Mean(int from, int to, double p) => Enumerable.Range(from, to - from + 1).Average(t => Lpp(latents[t], p));
        // Jump at 10: the ten steps 1…10, from p = 1 to 0.84. Jump at 16: the steps since, 11…16, from 0.84 to 0.68.
        double first = 0.3 * Mean(1, 10, 1) / Mean(1, 10, 0.84);
        double second = first * Mean(11, 16, 0.84) / Mean(11, 16, 0.68);
        Assert.All(alphas.Take(10), a => Assert.Equal(0.3, a));
        Assert.Equal(first, alphas[10], 1e-6 * first);
        Assert.Equal(first, alphas[15], 1e-6 * first);
        Assert.Equal(second, alphas[16], 1e-6 * second);

        // On a batch that does not change, the rescaled penalty at the jump equals the penalty just before it.
        using var same = Make(Config);
        var steady = new PAnnealObjective(Config, same);
        var fixedBatch = Inputs(200);
        var before = 0.0;
        for (int step = 0; step <= 10; step++)
        {
            var output = steady.Forward(fixedBatch, At(step));
            if (step == 9) before = output.Sparsity.item<float>();
            if (step == 10)
            {
                var f = same.Encode(fixedBatch);
                Assert.True(Math.Abs(Lpp(f, 0.84) / Lpp(f, 1) - 1) > 0.05, "the jump must change Lp^p, or the test shows nothing");
                Assert.Equal(before, output.Sparsity.item<float>(), 1e-5 * before);
            }
        }
    }

    [Fact]
    public void TheGradientIsFiniteWhereLatentsAreExactlyZero()
    {
        // On f itself: d(f^p)/df = p·f^(p−1) is infinite at 0, and the zeros must get 0, not 0·∞ = NaN.
        var leaf = tensor(new float[] { 0, 0.5f, 0, 2, 1, 0 }).reshape(2, 3).requires_grad_();
        PAnnealObjective.PowerSums(leaf, 0.2).sum().backward();
        double[] expectedLeaf = [0, 0.2 * Math.Pow(0.5, -0.8), 0, 0.2 * Math.Pow(2, -0.8), 0.2, 0];
        var gradient = leaf.grad!.data<float>().ToArray();
        for (int i = 0; i < expectedLeaf.Length; i++) Assert.Equal(expectedLeaf[i], gradient[i], 1e-5);

        // Through the whole SAE and loss.
        var config = Config with { AnnealStart = 0, NSparsityUpdates = 1 };   // p = p_end = 0.2 from step 0
        using var sae = Make(config);
        using (no_grad()) sae.b_enc[0] = tensor(-100f);   // latent 0 is zero on every row
        var objective = new PAnnealObjective(config, sae);
        var x = Inputs(7);
        var output = objective.Forward(x, At(0));
        Assert.Equal(0.2, objective.P);
        var f = output.DenseLatents();
        Assert.True(f.eq(0).any().item<bool>() && f.gt(0).any().item<bool>());
        output.Loss.backward();
        foreach (var p in sae.Parameters)
            Assert.True(isfinite(p.Tensor.grad!).all().item<bool>(), $"∂{p.Name} is not finite");
        Assert.Equal(0f, sae.b_enc.grad![0].item<float>());
        // The penalty's gradient where f > 0 is α·p·f^(p−1)/B: check it on b_enc through a loss of the penalty alone.
        sae.b_enc.grad!.zero_();
        var penalty = PAnnealObjective.PowerSums(sae.Encode(x), 0.2).sum() / Batch;
        penalty.backward();
        using var noGrad = no_grad();
        var f64 = f.to(float64);
        var expected = f64.gt(0).to(float64).mul(f64.clamp_min(1e-30).pow(-0.8)).sum(dim: 0).mul(0.2 / Batch);
        Assert.True((sae.b_enc.grad!.to(float64) - expected).abs().max().item<double>() <= 1e-4 * expected.abs().max().item<double>());
    }
}
