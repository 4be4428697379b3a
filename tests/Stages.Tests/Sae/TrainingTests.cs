using SaePipeline.Activations;
using SaePipeline.Activations.Synthetic;
using SaePipeline.Config;
using SaePipeline.Evals;
using SaePipeline.Evals.Synthetic;
using SaePipeline.Runtime;
using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Tests;

/// <summary>
/// The trainer against a known answer: on planted features every architecture must find them (MMCS ≥ 0.9), where a
/// random dictionary scores near chance; and the same seed must give the same weights, bit for bit.
/// </summary>
public sealed class TrainingTests
{
    static readonly SyntheticSourceConfig Source = new()
    {
        NFeatures = 48, DIn = 32, Firing = new FiringConfig { Distribution = FiringDistribution.Geometric, MeanActive = 3, Decay = 0.98 },
    };

    static readonly SaeConfig Relu = new()
    {
        Name = "t", DSae = 96, L1Coefficient = 0.1, Lr = 3e-3, BatchSize = 512, LrWarmupSteps = 50, SparsityWarmupSteps = 200,
        TrainingTokens = 512 * 1500,
    };

    /// <summary>Trains on fresh planted-feature batches (no cache: this tests the trainer, not the store).</summary>
    /// <summary>Settings that reach L0 ≈ 3 (the planted mean) on this problem, one per architecture.</summary>
    public static TheoryData<string> Architectures => new(Enum.GetValues<SaeArchitecture>().Select(a => a.ToString()));

    internal static SaeConfig ConfigFor(SaeArchitecture architecture) => architecture switch
    {
        SaeArchitecture.Relu => Relu,
        SaeArchitecture.AprilUpdate => Relu with { Architecture = architecture, L1Coefficient = 0.1 },
        SaeArchitecture.Topk => Relu with { Architecture = architecture, K = 3, DeadAfterTokens = 512 * 50 },
        SaeArchitecture.BatchTopk => Relu with { Architecture = architecture, K = 3, DeadAfterTokens = 512 * 50, ThresholdStartStep = 500 },
        SaeArchitecture.Jumprelu => Relu with { Architecture = architecture, TargetL0 = 3, L0Coefficient = 1, JumpreluBandwidth = 0.05, JumpreluInitThreshold = 0.05 },
        SaeArchitecture.Gated => Relu with { Architecture = architecture, L1Coefficient = 0.3 },   // its L1 acts on the gate pre-activations, which run larger
        SaeArchitecture.MatryoshkaBatchTopk => ConfigFor(SaeArchitecture.BatchTopk) with { Architecture = architecture },
        SaeArchitecture.PAnneal => Relu with { Architecture = architecture },   // p anneals from step 750 to 0.2
        _ => throw new ArgumentOutOfRangeException(nameof(architecture)),
    };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void EveryArchitectureRecoversPlantedFeatures(string name)
    {
        var architecture = Enum.Parse<SaeArchitecture>(name);
        using var source = new PlantedFeatureSource(Source, seed: 11);
        using var sae = Train(source, ConfigFor(architecture), steps: 1500, seed: 11);
        var trained = FeatureRecovery.Score(source.Features, sae.W_dec, 0.9);
        Assert.True(trained.Mmcs >= 0.9, $"{architecture}: MMCS {trained.Mmcs:F4}");
    }

    [Fact]
    public void ARandomDictionaryScoresNearChance()
    {
        using var source = new PlantedFeatureSource(Source, seed: 11);
        var random = randn([Relu.DSae, Source.DIn], generator: new Generator(5));
        var chance = FeatureRecovery.Score(source.Features, random, 0.9);
        double expected = Math.Sqrt(2 * Math.Log(Relu.DSae) / Source.DIn);
        Assert.InRange(chance.Mmcs, 0.6 * expected, 1.2 * expected);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void DecoderRowsStayUnitNormWhereConstrained(string name)
    {
        var config = ConfigFor(Enum.Parse<SaeArchitecture>(name));
        using var source = new PlantedFeatureSource(Source, seed: 12);
        using var sae = Train(source, config, steps: 20, seed: 12);
        double worst = (sae.W_dec.norm(dim: 1, keepdim: false) - 1).abs().max().item<float>();
        if (config.ConstrainedDecoder()) Assert.True(worst < 1e-5, $"{name}: max |‖W_dec,i‖ − 1| = {worst}");
        else Assert.True(worst > 0.1, $"{name} is unconstrained, yet its decoder rows are unit norm (max deviation {worst})");
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void SameSeedSameWeightsBitForBit(string name)
    {
        var config = ConfigFor(Enum.Parse<SaeArchitecture>(name));
        using var source = new PlantedFeatureSource(Source, seed: 13);
        using var a = Train(source, config, steps: 30, seed: 13);
        using var b = Train(source, config, steps: 30, seed: 13);
        using var c = Train(source, config, steps: 30, seed: 14);
        Assert.All(a.Parameters.Zip(b.Parameters), p => Assert.True(p.First.Tensor.eq(p.Second.Tensor).all().item<bool>(), $"{name}: {p.First.Name} differs"));
        Assert.False(a.W_dec.eq(c.W_dec).all().item<bool>());
    }

    [Fact]
    public void Bfloat16MatmulsKeepFloat32MasterWeightsAndLearnTheSameFeatures()
    {
        using var source = new PlantedFeatureSource(Source, seed: 16);
        using var full = Train(source, Relu, steps: 800, seed: 16);
        using var half = Train(source, Relu with { MatmulDtype = MatmulDtype.Bfloat16 }, steps: 800, seed: 16);
        Assert.All(half.Parameters, p => Assert.Equal(ScalarType.Float32, p.Tensor.dtype));
        Assert.False(half.W_dec.eq(full.W_dec).all().item<bool>());   // the bf16 products did change the arithmetic
        double a = FeatureRecovery.Score(source.Features, full.W_dec, 0.9).Mmcs, b = FeatureRecovery.Score(source.Features, half.W_dec, 0.9).Mmcs;
        Assert.True(b >= 0.9 && Math.Abs(a - b) < 0.03, $"MMCS float32 {a:F4}, bf16 matmuls {b:F4}");
    }

    /// <summary>Trains on fresh planted-feature batches (no cache: this tests the trainer, not the store), with the SAE's matmul precision set as TrainSae sets it.</summary>
    internal static SparseAutoencoder Train(PlantedFeatureSource source, SaeConfig config, int steps, long seed)
    {
        using var data = TorchRuntime.Generator(seed, "test/data");
        var rows = new ActivationRows(config.BatchSize, Source.DIn, 1);
        var sae = SaeInitialization.Create(config, Source.DIn, TorchRuntime.Generator(seed, "test/init"), CPU);
        sae.MatmulDtype = config.MatmulDtype == MatmulDtype.Bfloat16 ? ScalarType.BFloat16 : ScalarType.Float32;
        using var trainer = new SaeTrainer(SaeObjective.Create(config, sae), config, TorchRuntime.Generator(seed, "test/resample"));
        for (int step = 0; step < steps; step++)
        {
            source.Sample(config.BatchSize, data, 0, rows);
            using var scope = NewDisposeScope();
            Assert.True(double.IsFinite(trainer.Step(RowTensors.FromRows(rows.Acts, config.BatchSize, Source.DIn), step, log: false).Loss));
        }
        sae.MatmulDtype = ScalarType.Float32;
        return sae;
    }

    [Fact]
    public void ResamplingRevivesDeadLatents()
    {
        using var source = new PlantedFeatureSource(Source, seed: 15);
        // A strong L1 kills latents; resampling every 100 steps must bring some back to life.
        var harsh = Relu with { L1Coefficient = 2.0, SparsityWarmupSteps = 0, LrWarmupSteps = 0 };
        int Alive(SparseAutoencoder sae)
        {
            using var scope = NewDisposeScope();
            var rows = new ActivationRows(2048, Source.DIn, 1);
            source.Sample(2048, TorchRuntime.Generator(1, "probe"), 0, rows);
            return (int)sae.Encode(RowTensors.FromRows(rows.Acts, 2048, Source.DIn)).gt(0).any(dim: 0).sum().item<long>();
        }
        using var plain = Train(source, harsh, steps: 400, seed: 15);
        using var resampled = Train(source, harsh with { ResampleSteps = 100 }, steps: 400, seed: 15);
        Assert.True(Alive(resampled) > Alive(plain), $"alive with resampling {Alive(resampled)}, without {Alive(plain)}");
    }
}
