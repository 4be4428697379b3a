using SaePipeline.Activations;
using SaePipeline.Config;
using SaePipeline.Runtime;
using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Tests;

/// <summary>
/// The pieces a resumed TrainSae is made of: a shuffled reader restored from a captured position gives the same
/// batches, and a trainer restored from a checkpoint then trained on them ends bit for bit where the uninterrupted
/// trainer ends. (A real kill and rebuild is tested end to end in Pipeline.Tests.)
/// </summary>
public sealed class ResumeTests
{
    const int D = ActivationStoreTests.D;

    static Task<ActivationCache> Cache(string dir) =>
        ActivationStoreTests.WriteCacheAsync(dir, rows: 1000, rowsPerGroup: 96, rowsPerShard: 400,
            value: (row, j) => MathF.Sin(row * 0.37f + j * 1.3f) + (row % 7 == j ? 2f : 0f));

    static async Task<List<float[]>> Draw(ShuffledBatches batches, int n)
    {
        var drawn = new List<float[]>();
        for (int i = 0; i < n; i++) drawn.Add((float[])(await batches.NextAsync()).Clone());
        return drawn;
    }

    [Fact]
    public async Task ARestoredReaderContinuesTheSameBatchesAcrossEpochs()
    {
        using var dir = new TempDir();
        var cache = await Cache(dir.Path);
        await using var original = ShuffledBatches.Open(cache, "train", 64, 256, seed: 5);
        await Draw(original, 11);
        var position = original.Capture();
        var expected = await Draw(original, 25);   // 36 batches × 64 rows: past the end of the first epoch
        Assert.True(original.Epoch >= 1);

        await using var resumed = ShuffledBatches.Open(cache, "train", 64, 256, seed: 5);
        await resumed.RestoreAsync(position);
        var actual = await Draw(resumed, 25);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i], actual[i]);
    }

    public static TheoryData<string> Configs => new() { "batch_topk", "relu_resampling", "jumprelu_normalized", "matryoshka_batch_topk", "p_anneal" };

    static SaeConfig ConfigFor(string name) => name switch
    {
        // The threshold average, AuxK's dead counters, resampling's generator and moments, and the input scale all carry state.
        "batch_topk" => new SaeConfig { Name = "t", Architecture = SaeArchitecture.BatchTopk, DSae = 24, K = 2, BatchSize = 64, ThresholdStartStep = 5,
                                        DeadAfterTokens = 128, LrWarmupSteps = 3, Lr = 3e-3, TrainingTokens = 64 * 40, ShuffleBufferRows = 256 },
        "matryoshka_batch_topk" => ConfigFor("batch_topk") with { Architecture = SaeArchitecture.MatryoshkaBatchTopk, GroupFractions = [0.25, 0.25, 0.5] },
        // Jumps of p at steps 10, 15, 20, …: the checkpoint after step 16 falls inside the window of the jump at 20, so α's
        // pending average is state too.
        "p_anneal" => new SaeConfig { Name = "t", Architecture = SaeArchitecture.PAnneal, DSae = 24, BatchSize = 64, L1Coefficient = 0.5, AnnealStart = 10,
                                      NSparsityUpdates = 6, LrWarmupSteps = 3, SparsityWarmupSteps = 5, Lr = 3e-3, TrainingTokens = 64 * 40, ShuffleBufferRows = 256 },
        "relu_resampling" => new SaeConfig { Name = "t", DSae = 24, BatchSize = 64, L1Coefficient = 0.5, ResampleSteps = 8, LrWarmupSteps = 3,
                                             SparsityWarmupSteps = 5, Lr = 3e-3, TrainingTokens = 64 * 40, ShuffleBufferRows = 256 },
        _ => new SaeConfig { Name = "t", Architecture = SaeArchitecture.Jumprelu, DSae = 24, BatchSize = 64, TargetL0 = 3, JumpreluBandwidth = 0.05,
                             NormalizeActivations = ActivationNormalization.ExpectedAverageOnlyIn, NormalizationBatches = 4, LrWarmupSteps = 3,
                             Lr = 3e-3, TrainingTokens = 64 * 40, ShuffleBufferRows = 256, LrDecayStartFraction = 0.5 },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public async Task ATrainerRestoredFromACheckpointEndsBitForBitWhereTheUninterruptedOneEnds(string name)
    {
        var config = ConfigFor(name);
        using var dir = new TempDir();
        var cache = await Cache(Directory.CreateDirectory(Path.Combine(dir.Path, "cache")).FullName);
        string checkpointDir = Path.Combine(dir.Path, "checkpoint");
        const int interruptedAfter = 17;
        double scale = await InputNormalization.EstimateScaleAsync(cache, "train", config, 9);

        (SparseAutoencoder Sae, SaeTrainer Trainer) Fresh()
        {
            var sae = SaeInitialization.Create(config, D, TorchRuntime.Generator(9, "sae/init"), CPU);
            return (sae, new SaeTrainer(SaeObjective.Create(config, sae), config, TorchRuntime.Generator(9, "sae/resample")));
        }
        async Task Run(SaeTrainer trainer, ShuffledBatches batches, long from, long to, bool checkpoint)
        {
            for (long step = from; step < to; step++)
            {
                var data = await batches.NextAsync();
                var position = checkpoint && step == interruptedAfter - 1 ? batches.Capture() : null;
                using (NewDisposeScope())
                    trainer.Step(RowTensors.FromRows(data, config.BatchSize, D) * scale, step, log: false);
                if (position is not null)
                    TrainingCheckpoint.Save(checkpointDir, new TrainingCheckpoint(step + 1, scale, 1.0, "log\n", null, position), trainer);
            }
        }

        var (a, trainerA) = Fresh();
        await using (var batches = ShuffledBatches.Open(cache, "train", config.BatchSize, config.ShuffleBufferRows, 9))
            await Run(trainerA, batches, 0, config.Steps, checkpoint: true);

        var (b, trainerB) = Fresh();
        var restored = TrainingCheckpoint.TryRestore(checkpointDir, trainerB, out string? why);
        Assert.True(restored is not null, why);
        Assert.Equal(interruptedAfter, restored!.NextStep);
        Assert.Equal(scale, restored.InputScale);
        await using (var batches = ShuffledBatches.Open(cache, "train", config.BatchSize, config.ShuffleBufferRows, 9))
        {
            await batches.RestoreAsync(restored.Shuffle);
            await Run(trainerB, batches, restored.NextStep, config.Steps, checkpoint: false);
        }

        foreach (var (pa, pb) in a.Parameters.Concat(a.Buffers).Zip(b.Parameters.Concat(b.Buffers)))
            Assert.True(pa.Tensor.eq(pb.Tensor).all().item<bool>(), $"{name}: {pa.Name} differs after resuming");
        Assert.True(trainerA.TokensSinceFired.eq(trainerB.TokensSinceFired).all().item<bool>());
        trainerA.Dispose(); trainerB.Dispose(); a.Dispose(); b.Dispose();
    }

    [Fact]
    public void ACheckpointOfAnotherShapeIsRefusedAndLeavesTheTrainerUntouched()
    {
        using var dir = new TempDir();
        var small = new SaeConfig { Name = "t", DSae = 16, BatchSize = 8 };
        var large = small with { DSae = 24 };
        using var saeSmall = SaeInitialization.Create(small, D, TorchRuntime.Generator(1, "sae/init"), CPU);
        using var trainerSmall = new SaeTrainer(SaeObjective.Create(small, saeSmall), small, new Generator(1));
        TrainingCheckpoint.Save(dir.Path, new TrainingCheckpoint(3, 1.0, 0, "", null, new ShuffleState(1, 0, [0], [0], 1, [])), trainerSmall);

        using var saeLarge = SaeInitialization.Create(large, D, TorchRuntime.Generator(2, "sae/init"), CPU);
        var before = saeLarge.W_enc.clone();
        using var trainerLarge = new SaeTrainer(SaeObjective.Create(large, saeLarge), large, new Generator(1));
        Assert.Null(TrainingCheckpoint.TryRestore(dir.Path, trainerLarge, out string? why));
        Assert.Contains("W_enc", why);
        Assert.True(saeLarge.W_enc.eq(before).all().item<bool>());
    }
}
