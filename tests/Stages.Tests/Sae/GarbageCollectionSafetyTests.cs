using SaePipeline.Config;
using SaePipeline.Runtime;
using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Tests;

/// <summary>
/// Training steps while another thread allocates, as TrainSae's batch prefetch does. The steps run inside a
/// <see cref="NoCollections"/> region renewed before each step, as the stage runs them; without that, TorchSharp's implicit Scalars let such steps crash
/// within a few hundred collections ("Expected false to be true" from c10::Scalar::toDouble, or a garbage alpha).
/// </summary>
public sealed class GarbageCollectionSafetyTests
{
    [Theory]
    [MemberData(nameof(TrainingTests.Architectures), MemberType = typeof(TrainingTests))]
    public void TrainingStepsInsideNoCollectionsSurviveAThreadThatAllocates(string name)
    {
        var config = new SaeConfig
        {
            Name = "t", Architecture = Enum.Parse<SaeArchitecture>(name), DSae = 32, K = 4, BatchSize = 16, TargetL0 = 4,
            LrWarmupSteps = 5, SparsityWarmupSteps = 5, DeadAfterTokens = 32, ThresholdStartStep = 0, ResampleSteps = name == "Relu" ? 50 : null,
            MaxGradNorm = 1.0, TrainingTokens = 1 << 20,
        };
        using var sae = SaeInitialization.Create(config, 8, TorchRuntime.Generator(1, "test/init"), CPU);
        using var trainer = new SaeTrainer(SaeObjective.Create(config, sae), config, new Generator(2));
        var x = randn([16, 8], generator: new Generator(3));
        using var stop = new CancellationTokenSource();
        // The other thread allocates as fast as it can, but at most PerStep bytes (the process's total) per step: a
        // region renewed before each step outlasts that by design (NoCollections renews at half its budget), and
        // without regions it is still several collections per step. Unthrottled, how far it gets within one step
        // depends on the machine's allocation rate against its step time, which is not what this test is about.
        const long PerStep = 8L << 20;
        long allowed = GC.GetTotalAllocatedBytes() + PerStep;
        var garbage = new Thread(() =>
        {
            var keep = new List<byte[]>();
            while (!stop.IsCancellationRequested)
            {
                if (GC.GetTotalAllocatedBytes() >= Volatile.Read(ref allowed))
                {
                    Thread.SpinWait(100);
                    continue;
                }
                keep.Add(new byte[64 * 1024]);
                if (keep.Count > 32) keep.Clear();
            }
        });
        garbage.Start();
        int steps = 0, held = 0;
        long allocatedBefore = GC.GetTotalAllocatedBytes();
        long Allocated() => GC.GetTotalAllocatedBytes() - allocatedBefore;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            // At least 1,000 steps, and until the other thread has allocated 512 MB: without the regions that is some
            // 75 collections (one every few MB here), each of which could start inside a step.
            using var region = NoCollections.During();   // as TrainSae does: one region, renewed before each step
            for (; (steps < 1000 || Allocated() < 512L << 20) && clock.Elapsed < TimeSpan.FromMinutes(1); steps++)
            {
                region.Renew();
                Volatile.Write(ref allowed, GC.GetTotalAllocatedBytes() + PerStep);
                trainer.Step(x, steps, log: steps % 100 == 0);
                if (region.Held) held++;
            }
        }
        finally
        {
            stop.Cancel();
            garbage.Join();
        }
        Assert.True(Allocated() >= 512L << 20, $"the other thread allocated only {Allocated() >> 20} MB in a minute; the test needs more to mean anything");
        Assert.True(held >= steps * 0.99, $"{name}: the region held through {held} of {steps} steps");
    }

    [Fact]
    public void RegionsDoNotNestAndEndCleanly()
    {
        using (var outer = NoCollections.During())
        {
            Assert.True(outer.Held);
            using (var inner = NoCollections.During()) Assert.False(inner.Held);   // a no-op inside another region
            Assert.True(outer.Held);
        }
        Assert.NotEqual(System.Runtime.GCLatencyMode.NoGCRegion, System.Runtime.GCSettings.LatencyMode);
    }

    [Fact]
    public void RenewKeepsOneRegionUntilHalfItsBudgetIsAllocated()
    {
        using var region = NoCollections.During(budget: 64L << 20);
        int collections = GC.CollectionCount(0);
        region.Renew();
        Assert.Equal(collections, GC.CollectionCount(0));   // nothing allocated yet: the same region, no collection
        var junk = new List<byte[]>();
        for (int i = 0; i < 640; i++) junk.Add(new byte[64 * 1024]);   // 40 MB of small objects: over half the budget
        Assert.True(region.Held);
        region.Renew();
        Assert.True(GC.CollectionCount(0) > collections);   // a fresh region, after a collection at this safe point
        Assert.True(region.Held);
        GC.KeepAlive(junk);
    }
}
