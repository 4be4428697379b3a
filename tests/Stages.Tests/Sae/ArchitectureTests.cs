using SaePipeline.Config;
using SaePipeline.Runtime;
using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Tests;

/// <summary>Each architecture's encoder and training-time pieces against what their papers define, on hand-made tensors.</summary>
public sealed class ArchitectureTests
{
    const int DIn = 8, DSae = 32, Batch = 16;

    static SparseAutoencoder Make(SaeArchitecture architecture, int k = 4)
    {
        var config = new SaeConfig { Name = "t", Architecture = architecture, DSae = DSae, K = k };
        return SaeInitialization.Create(config, DIn, TorchRuntime.Generator(3, "test/init"), CPU);
    }

    static Tensor Inputs(int seed = 1) => randn([Batch, DIn], generator: new Generator((ulong)seed));

    public static TheoryData<SaeArchitecture> Architectures() => [.. Enum.GetValues<SaeArchitecture>()];

    /// <summary>
    /// Every initialisation stores W_enc latent-major (SaeInitialization.EncoderParam) as a trainable leaf, and a step's
    /// gradient arrives in the same layout, so Adam's moments and its update walk the memory in one order. Which ∂W_enc
    /// product libtorch uses follows from this layout (the speed is bench's business, not a test's).
    /// </summary>
    [Theory]
    [MemberData(nameof(Architectures))]
    public void TrainingKeepsTheEncoderLatentMajor(SaeArchitecture architecture)
    {
        var config = new SaeConfig { Name = "t", Architecture = architecture, DSae = DSae, K = 4, BatchSize = Batch, TrainingTokens = Batch * 10, LrWarmupSteps = 0 };
        using var sae = SaeInitialization.Create(config, DIn, TorchRuntime.Generator(3, "test/init"), CPU);
        Assert.Equal(new long[] { 1, DIn }, sae.W_enc.stride());
        Assert.True(sae.W_enc.is_leaf && sae.W_enc.requires_grad);
        var before = sae.W_enc.detach().clone();
        using var trainer = new SaeTrainer(SaeObjective.Create(config, sae), config, TorchRuntime.Generator(3, "test/resample"));
        trainer.Step(Inputs() * 3, 0, log: false);
        Assert.Equal(new long[] { 1, DIn }, sae.W_enc.stride());
        Assert.Equal(new long[] { 1, DIn }, sae.W_enc.grad!.stride());
        Assert.Equal(new long[] { 1, DIn }, trainer.Adam.FirstMoments[0].stride());
        Assert.False(sae.W_enc.detach().eq(before).all().item<bool>(), "the step moved W_enc");
    }

    [Fact]
    public void TopKKeepsExactlyKLatentsAndTheyAreTheLargestPreActivations()
    {
        using var sae = (TopKSae)Make(SaeArchitecture.Topk, k: 5);
        using var noGrad = no_grad();
        sae.b_enc.fill_(10);   // every pre-activation positive, so ReLU removes none of the k
        var x = Inputs();
        var f = sae.Encode(x);
        Assert.True(f.gt(0).sum(dim: 1).eq(5).all().item<bool>());
        var pre = sae.PreActivation(x, sae.b_enc);
        var kthLargest = pre.topk(5, dim: 1).values[.., 4..5];
        Assert.True(pre.masked_select(f.gt(0)).ge(kthLargest.expand_as(pre).masked_select(f.gt(0))).all().item<bool>());
        Assert.True((f - pre * f.gt(0)).abs().max().item<float>() == 0);   // kept values are the pre-activations themselves
    }

    [Fact]
    public void TopKKeepsFewerWhenFewerArePositive()
    {
        var pre = tensor(new float[] { 3, -1, 2, -5, -2, 1, -3, -4 }).reshape(1, 8);
        var f = TopKSae.KeepTopK(pre, 4);
        Assert.Equal(new float[] { 3, 0, 2, 0, 0, 1, 0, 0 }, f.data<float>().ToArray());
    }

    [Fact]
    public void BatchTopKKeepsKTimesBOverTheBatchAndUsesTheThresholdAtInference()
    {
        // Row 0 holds the batch's four largest values: with k = 2 over B = 2 rows it keeps all of them, row 1 none.
        var pre = tensor(new float[] { 9, 8, 7, 6, 1, 2, 3, 0.5f }).reshape(2, 4);
        var f = BatchTopKSae.KeepBatchTopK(pre, 2);
        Assert.Equal(new float[] { 9, 8, 7, 6, 0, 0, 0, 0 }, f.data<float>().ToArray());

        using var sae = (BatchTopKSae)Make(SaeArchitecture.BatchTopk, k: 3);
        var x = Inputs();
        var kept = BatchTopKSae.KeepBatchTopK(sae.PreActivation(x, sae.b_enc), 3);
        Assert.Equal(3 * Batch, kept.gt(0).sum().item<long>());
        Assert.Throws<InvalidOperationException>(() => sae.Encode(x));   // no threshold estimated yet
        using (no_grad()) sae.Threshold.fill_(0.3f);
        var pre2 = sae.PreActivation(x, sae.b_enc);
        var expected = pre2.relu() * pre2.gt(0.3);
        Assert.True(sae.Encode(x).eq(expected).all().item<bool>());
    }

    [Fact]
    public void BatchTopKThresholdIsSetThenAveragedFromTheSmallestKeptActivation()
    {
        using var sae = (BatchTopKSae)Make(SaeArchitecture.BatchTopk, k: 1);
        var config = new SaeConfig { Name = "t", Architecture = SaeArchitecture.BatchTopk, DSae = DSae, K = 1, ThresholdStartStep = 10, ThresholdDecay = 0.9 };
        var objective = new BatchTopKObjective(config, sae);
        ObjectiveOutput With(params float[] kept)
        {
            var latents = zeros([1, DSae]);
            for (int i = 0; i < kept.Length; i++) latents[0, i] = kept[i];
            var z = zeros([]);
            return new ObjectiveOutput(z, latents, z, z, z, z);
        }
        objective.AfterStep(With(5, 2, 3), step: 9);          // before threshold_start_step: nothing
        Assert.Equal(-1f, sae.Threshold.item<float>());
        objective.AfterStep(With(5, 2, 3), step: 10);         // first update: the smallest kept value
        Assert.Equal(2f, sae.Threshold.item<float>());
        objective.AfterStep(With(4, 1), step: 11);            // then 0.9·2 + 0.1·1
        Assert.Equal(1.9f, sae.Threshold.item<float>(), 5);
    }

    [Fact]
    public void JumpReluStraightThroughGradientsFollowTheRectangleKernel()
    {
        const double epsilon = 0.1;
        var threshold = tensor(new float[] { 0.5f, 0.5f }).requires_grad_();
        // Column 0: two values within ε/2 of θ (0.46, 0.53) and two far from it (0.2, 0.9). Column 1: none near θ.
        var pre = tensor(new float[] { 0.46f, 0.2f, 0.53f, 0.9f, 0.2f, 0.9f, 0.9f, 0.2f }).reshape(4, 2).requires_grad_();
        var f = JumpReluObjective.JumpRelu(pre, threshold, epsilon);
        Assert.Equal(new float[] { 0, 0, 0.53f, 0.9f, 0, 0.9f, 0.9f, 0 }, f.data<float>().ToArray());
        f.sum().backward();
        // ∂f/∂θ_j = Σ_b −(θ/ε)·K: column 0 has two kernel hits, column 1 none.
        Assert.Equal(-2 * 0.5 / epsilon, threshold.grad!.data<float>()[0], 4);
        Assert.Equal(0f, threshold.grad!.data<float>()[1]);
        Assert.Equal(pre.gt(threshold).to(float32).data<float>().ToArray(), pre.grad!.data<float>().ToArray());   // ∂f/∂pre = H

        threshold.grad!.zero_();
        pre.grad!.zero_();
        var l0 = JumpReluObjective.MeanL0(pre, threshold, epsilon);
        Assert.Equal(pre.gt(threshold).sum().item<long>() / 4.0, l0.item<float>(), 6);   // mean over the 4 rows of the active count
        l0.backward();
        Assert.Equal(-2 / epsilon / 4, threshold.grad!.data<float>()[0], 4);
        Assert.Equal(0f, threshold.grad!.data<float>()[1]);
        Assert.True(pre.grad!.eq(0).all().item<bool>());   // the L0 passes no gradient to the pre-activations
    }

    [Fact]
    public void JumpReluEncodesWithItsPerLatentThreshold()
    {
        using var sae = (JumpReluSae)Make(SaeArchitecture.Jumprelu);
        Assert.False(sae.ApplyBDecToInput);   // dictionary_learning's JumpReLU encodes x, not x − b_dec
        using (no_grad()) sae.threshold.copy_(linspace(0, 1, DSae));
        var x = Inputs();
        var pre = x.matmul(sae.W_enc) + sae.b_enc;
        Assert.True(sae.Encode(x).eq(pre.relu() * pre.gt(sae.threshold)).all().item<bool>());
    }

    [Fact]
    public void GatedLatentsAreTheGateTimesTheMagnitude()
    {
        using var sae = (GatedSae)Make(SaeArchitecture.Gated);
        using (no_grad())
        {
            sae.b_gate.copy_(randn([DSae], generator: new Generator(4)) * 0.5);
            sae.r_mag.copy_(randn([DSae], generator: new Generator(5)) * 0.3);
            sae.b_mag.copy_(randn([DSae], generator: new Generator(6)) * 0.5);
            sae.b_dec.copy_(randn([DIn], generator: new Generator(7)));
        }
        var x = Inputs();
        var pi = (x - sae.b_dec).matmul(sae.W_enc);
        var expected = (pi + sae.b_gate).gt(0).to(float32) * (pi * sae.r_mag.exp() + sae.b_mag).relu();
        Assert.True((sae.Encode(x) - expected).abs().max().item<float>() < 1e-5);
    }

    [Theory]
    [InlineData(SaeArchitecture.Relu)]
    [InlineData(SaeArchitecture.Topk)]
    [InlineData(SaeArchitecture.BatchTopk)]
    [InlineData(SaeArchitecture.Jumprelu)]
    [InlineData(SaeArchitecture.Gated)]
    [InlineData(SaeArchitecture.MatryoshkaBatchTopk)]
    public void FoldingAnInputScaleGivesTheSameSaeOnRawInputs(SaeArchitecture architecture)
    {
        const double s = 3.7;
        using var sae = Make(architecture);
        using (no_grad())
        {
            foreach (var p in sae.Parameters.Where(p => p.Tensor.ndim == 1)) p.Tensor.copy_(randn(p.Tensor.shape, generator: new Generator(8)).abs() * 0.3);
            if (sae is BatchTopKSae b) b.Threshold.fill_(0.2f);
        }
        var x = Inputs(2) * 2;
        var scaledLatents = sae.Encode(x * s);
        var scaledReconstruction = sae.Reconstruct(x * s);
        var decoder = sae.W_dec.clone();
        sae.FoldInputScale(s);
        Assert.True((sae.Encode(x) - scaledLatents / s).abs().max().item<float>() < 1e-5, "latents");
        Assert.True((sae.Reconstruct(x) - scaledReconstruction / s).abs().max().item<float>() < 1e-5, "reconstruction");
        Assert.True(sae.W_dec.eq(decoder).all().item<bool>());   // directions untouched
    }

    [Fact]
    public void TheGeometricMedianSatisfiesItsOptimalityConditionAndIgnoresAnOutlier()
    {
        var points = randn([200, 3], generator: new Generator(9));
        points[0] = tensor(new float[] { 1000, -1000, 1000 });   // one huge-norm token
        var median = GeometricMedian.Of(points);
        // At the minimiser of Σ‖x_i − m‖ the unit vectors from m to the points sum to zero.
        var toPoints = (points - median).to(float64);
        var gradient = (toPoints / toPoints.norm(dim: 1, keepdim: true)).sum(dim: 0);
        Assert.True(gradient.norm().item<double>() < 0.05, $"‖Σ unit vectors‖ = {gradient.norm().item<double>()}");
        Assert.True(median.norm().item<float>() < 0.5);                          // near the bulk at 0
        Assert.True(points.mean([0]).norm().item<float>() > 5);                  // where the mean is dragged
        // In one dimension the geometric median is the ordinary median.
        var line = tensor(new float[] { 1, 2, 3, 50, 100 }).reshape(5, 1);
        Assert.Equal(3f, GeometricMedian.Of(line).item<float>(), 3);
    }

    [Fact]
    public void AuxKIsZeroWithoutDeadLatentsAndModelsTheResidualWithDeadOnes()
    {
        var wDec = eye(4);   // latent i decodes to basis direction i
        var postRelu = tensor(new float[] { 0, 0, 2, 0.5f, 0, 0, 1, 3 }).reshape(2, 4);
        var residual = tensor(new float[] { 0, 0, 2, 0, 0, 0, 1, 0 }).reshape(2, 4);
        var none = zeros([4], ScalarType.Bool);
        Assert.Equal(0f, AuxK.Loss(postRelu, residual, none, 0, 2, wDec).item<float>());
        // Latent 2 alone is dead and its activations are exactly the residual: nothing left to explain.
        var dead2 = tensor(new[] { false, false, true, false });
        Assert.Equal(0f, AuxK.Loss(postRelu, residual, dead2, 1, 2, wDec).item<float>(), 6);
        // Latent 3 alone is dead: ê puts its activation on axis 3. By hand, mean_b Σ_d (e − ê)² = ((4 + 0.25) + (1 + 9))/2
        // = 7.125, and the residual's spread about its batch mean [0, 0, 1.5, 0] is ((2 − 1.5)² + (1 − 1.5)²)/2 = 0.25.
        var dead3 = tensor(new[] { false, false, false, true });
        Assert.Equal(7.125f / 0.25f, AuxK.Loss(postRelu, residual, dead3, 1, 2, wDec).item<float>(), 3);
    }

    [Fact]
    public void TheNormalizedMseConventionIsTheBatchsFractionOfVarianceUnexplained()
    {
        var config = new SaeConfig { Name = "t", DSae = DSae, L1Coefficient = 0, ReconstructionLoss = ReconstructionLossKind.NormalizedMse };
        using var sae = SaeInitialization.Create(config, DIn, TorchRuntime.Generator(3, "test/init"), CPU);
        var x = Inputs() * 3 + 1;
        var output = SaeObjective.Create(config, sae).Forward(x, new StepContext(0, 1, zeros([DSae], ScalarType.Bool), 0));
        var residual = (x - sae.Reconstruct(x)).to(float64);
        var x64 = x.to(float64);
        double fvu = residual.square().sum().item<double>() / (x64 - x64.mean([0])).square().sum().item<double>();
        Assert.Equal(fvu, output.Loss.item<float>(), 4);
        Assert.Equal(residual.square().sum().item<double>() / Batch, output.Mse.item<float>(), 3);   // the log keeps the sum-squared value
    }

    [Fact]
    public void TheLrScheduleWarmsUpThenDecaysLinearlyToZero()
    {
        Assert.Equal(0.0, Schedules.LearningRate(0, 10, null, 100, 0.8));
        Assert.Equal(0.5, Schedules.LearningRate(5, 10, null, 100, 0.8));
        Assert.Equal(1.0, Schedules.LearningRate(79, 10, null, 100, 0.8));
        Assert.Equal(1.0, Schedules.LearningRate(80, 10, null, 100, 0.8));
        Assert.Equal(0.5, Schedules.LearningRate(90, 10, null, 100, 0.8));
        Assert.Equal(0.0, Schedules.LearningRate(100, 10, null, 100, 0.8));
        Assert.Equal(0.25, Schedules.LearningRate(55, 10, null, 100, 0.4, 0.6));   // a window that ends early
        Assert.Equal(0.0, Schedules.LearningRate(70, 10, null, 100, 0.4, 0.6));
        Assert.Equal(1.0, Schedules.LearningRate(70, 10, null, 100));              // no decay configured
    }

    [Fact]
    public void GradientClippingBoundsTheGlobalNorm()
    {
        var config = new SaeConfig { Name = "t", DSae = DSae, LrWarmupSteps = 0, SparsityWarmupSteps = 0, MaxGradNorm = 1e-3, Lr = 1.0, TrainingTokens = 1 << 20 };
        using var clipped = SaeInitialization.Create(config, DIn, TorchRuntime.Generator(3, "test/init"), CPU);
        using var free = SaeInitialization.Create(config, DIn, TorchRuntime.Generator(3, "test/init"), CPU);
        using var a = new SaeTrainer(SaeObjective.Create(config, clipped), config, new Generator(1));
        using var b = new SaeTrainer(SaeObjective.Create(config with { MaxGradNorm = null }, free), config with { MaxGradNorm = null }, new Generator(1));
        var x = Inputs() * 10;
        a.Step(x, 1, log: false);
        b.Step(x, 1, log: false);
        var total = sqrt(stack(clipped.Parameters.Select(p => p.Tensor.grad!.square().sum()).ToArray()).sum()).item<float>();
        var unclipped = sqrt(stack(free.Parameters.Select(p => p.Tensor.grad!.square().sum()).ToArray()).sum()).item<float>();
        Assert.True(unclipped > 1e-2, $"the test needs gradients above the bound, got {unclipped}");
        Assert.InRange(total, 0, 1e-3 * 1.0001);
    }
}
