using SaePipeline.Activations;
using SaePipeline.Config;
using SaePipeline.Data.Synthetic;
using SaePipeline.Evals;
using SaePipeline.Runtime;
using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Tests;

/// <summary>
/// The trainer against a known answer: on planted features it must find them (MMCS ≥ 0.95), where a random
/// dictionary scores near chance; and the same seed must give the same weights, bit for bit.
/// </summary>
public sealed class TrainingTests
{
    static readonly SyntheticSourceConfig Source = new()
    {
        NFeatures = 48, DIn = 32, Firing = new FiringConfig { Distribution = FiringDistribution.Geometric, MeanActive = 3, Decay = 0.98 },
    };

    static readonly SaeConfig Sae = new()
    {
        Name = "t", DSae = 96, L1Coefficient = 0.1, Lr = 3e-3, BatchSize = 512, LrWarmupSteps = 50, SparsityWarmupSteps = 200,
    };

    /// <summary>Trains on fresh planted-feature batches (no cache: this tests the trainer, not the store).</summary>
    static ReluSae Train(PlantedFeatureSource source, SaeConfig config, int steps, long seed)
    {
        using var data = TorchRuntime.Generator(seed, "test/data");
        var rows = new ActivationRows(config.BatchSize, Source.DIn, 1);
        var sae = ReluSae.Initialize(Source.DIn, config.DSae, TorchRuntime.Generator(seed, "test/init"), CPU);
        using var trainer = new StandardTrainer(sae, config, TorchRuntime.Generator(seed, "test/resample"));
        for (int step = 0; step < steps; step++)
        {
            source.Sample(config.BatchSize, data, 0, rows);
            using var scope = NewDisposeScope();
            var (loss, _) = trainer.Step(RowTensors.FromRows(rows.Acts, config.BatchSize, Source.DIn), step, log: false);
            Assert.True(double.IsFinite(loss));
        }
        return sae;
    }

    [Fact]
    public void RecoversPlantedFeaturesWhereARandomDictionaryScoresNearChance()
    {
        using var source = new PlantedFeatureSource(Source, seed: 11);
        using var sae = Train(source, Sae, steps: 1500, seed: 11);
        var trained = FeatureRecovery.Score(source.Features, sae.W_dec, 0.9);
        Assert.True(trained.Mmcs >= 0.95, $"MMCS {trained.Mmcs:F4}");

        var random = randn([Sae.DSae, Source.DIn], generator: new Generator(5));
        var chance = FeatureRecovery.Score(source.Features, random, 0.9);
        double expected = Math.Sqrt(2 * Math.Log(Sae.DSae) / Source.DIn);
        Assert.InRange(chance.Mmcs, 0.6 * expected, 1.2 * expected);
    }

    [Fact]
    public void DecoderRowsStayUnitNorm()
    {
        using var source = new PlantedFeatureSource(Source, seed: 12);
        using var sae = Train(source, Sae, steps: 20, seed: 12);
        var norms = sae.W_dec.norm(dim: 1, keepdim: false);
        Assert.True((norms - 1).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void SameSeedSameWeightsBitForBit()
    {
        using var source = new PlantedFeatureSource(Source, seed: 13);
        using var a = Train(source, Sae, steps: 30, seed: 13);
        using var b = Train(source, Sae, steps: 30, seed: 13);
        using var c = Train(source, Sae, steps: 30, seed: 14);
        Assert.True(a.W_dec.eq(b.W_dec).all().item<bool>() && a.b_enc.eq(b.b_enc).all().item<bool>());
        Assert.False(a.W_dec.eq(c.W_dec).all().item<bool>());
    }

    [Fact]
    public void ResamplingRevivesDeadLatents()
    {
        using var source = new PlantedFeatureSource(Source, seed: 15);
        // A strong L1 kills latents; resampling every 100 steps must bring some back to life.
        var harsh = Sae with { L1Coefficient = 2.0, SparsityWarmupSteps = 0, LrWarmupSteps = 0 };
        int Alive(ReluSae sae)
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
