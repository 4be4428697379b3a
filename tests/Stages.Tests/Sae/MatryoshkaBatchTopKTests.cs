using System.Text.Json.Nodes;
using SaePipeline.Config;
using SaePipeline.Runtime;
using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Tests;

/// <summary>matryoshka_batch_topk against its definition: every prefix of groups reconstructs x, BatchTopK's latents, its saved form.</summary>
public sealed class MatryoshkaBatchTopKTests
{
    const int DIn = 8, DSae = 32, Batch = 16, K = 3;

    static SaeConfig Config(params double[] fractions) => new()
    {
        Name = "t", Architecture = SaeArchitecture.MatryoshkaBatchTopk, DSae = DSae, K = K, GroupFractions = fractions,
    };

    /// <summary>Its initialisation, with biases moved off 0 so that b_dec and b_enc matter.</summary>
    static MatryoshkaBatchTopKSae Make(SaeConfig config)
    {
        var sae = (MatryoshkaBatchTopKSae)SaeInitialization.Create(config, DIn, TorchRuntime.Generator(3, "test/init"), CPU);
        using var noGrad = no_grad();
        sae.b_enc.copy_(randn([DSae], generator: new Generator(4)) * 0.3);
        sae.b_dec.copy_(randn([DIn], generator: new Generator(5)));
        return sae;
    }

    static Tensor Inputs() => randn([Batch, DIn], generator: new Generator(6)) * 2;

    /// <summary>Latents 20… dead, so AuxK is on.</summary>
    static StepContext WithDeadLatents()
    {
        var dead = zeros([DSae], ScalarType.Bool);
        dead[20..] = tensor(true);
        return new StepContext(0, 1, dead, DSae - 20);
    }

    [Fact]
    public void TheLossIsTheWeightedSumOfEveryPrefixsReconstructionErrorPlusAuxK()
    {
        var config = Config(0.125, 0.25, 0.625) with { GroupWeights = [0.5, 0.3, 0.2] };   // groups of 4, 8 and 20 latents
        using var sae = Make(config);
        Assert.Equal([4, 8, 20], sae.GroupSizes);
        var x = Inputs();
        var context = WithDeadLatents();
        var output = SaeObjective.Create(config, sae).Forward(x, context);

        using var noGrad = no_grad();
        // The batch's k·B largest ReLU'd pre-activations, in float64, by sorting all of them.
        var x64 = x.to(float64);
        var (wEnc, wDec, bDec) = (sae.W_enc.detach().to(float64), sae.W_dec.detach().to(float64), sae.b_dec.detach().to(float64));
        var relu = ((x64 - bDec).matmul(wEnc) + sae.b_enc.detach().to(float64)).relu();
        double kth = relu.flatten().sort(descending: true).Values[K * Batch - 1].item<double>();
        var f = relu * relu.ge(kth);
        Assert.Equal(K * Batch, f.gt(0).sum().item<long>());

        // Each prefix decoded from scratch, one latent at a time.
        int[] ends = [4, 12, 32];
        double[] weights = [0.5, 0.3, 0.2];
        double expected = 0;
        Tensor full = bDec;
        for (int g = 0; g < ends.Length; g++)
        {
            var xHat = bDec.expand(Batch, DIn).clone();
            for (int j = 0; j < ends[g]; j++) xHat += f[.., j..(j + 1)] * wDec[j];
            expected += weights[g] * (x64 - xHat).square().sum().item<double>() / Batch;
            full = xHat;
        }
        double fullMse = (x64 - full).square().sum().item<double>() / Batch;
        Assert.True(Math.Abs(expected - fullMse) > 0.1 * fullMse, "the prefixes must differ from the full reconstruction, or the test shows nothing");
        double aux = config.AuxkCoefficient * AuxK.Loss(relu.to(float32), (x64 - full).to(float32), context.Dead, context.DeadCount, DIn / 2, sae.W_dec.detach()).item<float>();
        Assert.True(aux > 0);

        Assert.Equal(expected + aux, output.Loss.item<float>(), 1e-5 * (expected + aux));
        Assert.Equal(aux, output.Aux.item<float>(), 1e-5 * aux);
        Assert.Equal(fullMse, output.Mse.item<float>(), 1e-5 * fullMse);
        Assert.True((output.Reconstruction.detach().to(float64) - full).abs().max().item<double>() < 1e-5);
    }

    [Fact]
    public void WithOneGroupTheLossAndGradientsAreBatchTopKs()
    {
        var config = Config(1.0);
        using var matryoshka = Make(config);
        using var batchTopK = new BatchTopKSae(
            matryoshka.W_enc.detach().clone().requires_grad_(), matryoshka.b_enc.detach().clone().requires_grad_(),
            matryoshka.W_dec.detach().clone().requires_grad_(), matryoshka.b_dec.detach().clone().requires_grad_(), K, tensor(-1f));
        var x = Inputs();
        var context = WithDeadLatents();
        var a = SaeObjective.Create(config, matryoshka).Forward(x, context);
        var b = new BatchTopKObjective(config with { Architecture = SaeArchitecture.BatchTopk, GroupFractions = null }, batchTopK) { SparseKernels = false }
            .Forward(x, context);
        Assert.True(a.Aux.item<float>() > 0);
        Assert.Equal(b.Loss.item<float>(), a.Loss.item<float>(), 1e-6 * b.Loss.item<float>());
        Assert.Equal(b.Aux.item<float>(), a.Aux.item<float>(), 1e-6 * b.Aux.item<float>());
        a.Loss.backward();
        b.Loss.backward();
        foreach (var (pa, pb) in matryoshka.Parameters.Zip(batchTopK.Parameters))
        {
            double scale = Math.Max(1e-6, pb.Tensor.grad!.abs().max().item<float>());
            Assert.True((pa.Tensor.grad! - pb.Tensor.grad!).abs().max().item<float>() <= 1e-5 * scale, $"∂{pa.Name}");
        }
    }

    [Fact]
    public void TheSavedSaeLoadsBackAsAJumpReluThatEncodesTheSame()
    {
        using var dir = new TempDir();
        using var sae = Make(Config(0.25, 0.75));
        using (no_grad()) sae.Threshold.fill_(0.2f);
        SaeLensFormat.Save(dir.Path, sae, new JsonObject());
        var (loaded, cfg) = SaeLensFormat.Load(dir.Path, CPU);
        using (loaded)
        {
            Assert.Equal("jumprelu", cfg["architecture"]!.GetValue<string>());
            var jumpRelu = Assert.IsType<JumpReluSae>(loaded);
            Assert.True(jumpRelu.threshold.eq(0.2f).all().item<bool>());
            var x = Inputs();
            var expected = sae.Encode(x).detach();
            Assert.True(expected.gt(0).any().item<bool>() && expected.eq(0).any().item<bool>(), "some latents pass the threshold and some do not");
            Assert.True(loaded.Encode(x).gt(0).eq(expected.gt(0)).all().item<bool>(), "the same latents fire");
            Assert.True((loaded.Encode(x) - expected).abs().max().item<float>() <= 1e-6 * expected.abs().max().item<float>());
        }
    }

    [Fact]
    public void GroupsTakeTheFloorOfTheirFractionAndTheLastTakesTheRest()
    {
        IReadOnlyList<double> suite = new SaeConfig { Name = "t" }.EffectiveGroupFractions();
        Assert.Equal([32, 64, 128, 256, 544], MatryoshkaBatchTopKSae.GroupSizesFor(suite, 1024));
        Assert.Equal([1, 2, 4, 8, 17], MatryoshkaBatchTopKSae.GroupSizesFor(suite, 32));
        Assert.Equal([29, 71], MatryoshkaBatchTopKSae.GroupSizesFor([0.29, 0.71], 100));   // 0.29·100 = 28.999… in floating point
        Assert.Throws<ArgumentException>(() => new MatryoshkaBatchTopKSae(zeros([DIn, 4]), zeros([4]), zeros([4, DIn]), zeros([DIn]), 1, tensor(-1f), [0, 4]));
    }
}
