using SaePipeline.Evals;
using SaePipeline.Evals.Synthetic;
using static TorchSharp.torch;

namespace SaePipeline.Tests;

public sealed class FeatureRecoveryTests
{
    static Tensor UnitRows(long n, long d, int seed)
    {
        var g = randn([n, d], generator: new Generator((ulong)seed));
        return g / g.norm(dim: 1, keepdim: true);
    }

    [Fact]
    public void PermutedScaledAndPaddedCopyOfTheTruthScoresOne()
    {
        var truth = UnitRows(20, 8, 1);
        var perm = randperm(20, generator: new Generator(2));
        var decoder = cat([truth.index_select(0, perm) * 3.0, UnitRows(5, 8, 3)]);   // scale must not matter; extra rows allowed
        var s = FeatureRecovery.Score(truth, decoder, 0.9);
        Assert.Equal(1.0, s.Mmcs, 6);
        Assert.Equal(1.0, s.Mcc, 6);
        Assert.Equal(1.0, s.FracRecovered);
        // The matched latent of true feature perm[k] is row k.
        var p = perm.data<long>().ToArray();
        for (int k = 0; k < 20; k++) Assert.Equal(k, s.MatchedLatent[p[k]]);
    }

    [Fact]
    public void SignFlipCountsForMccButNotForMmcs()
    {
        var truth = UnitRows(10, 64, 4);   // in 64 dims, random directions are far from each other
        var s = FeatureRecovery.Score(truth, -truth, 0.9);
        Assert.Equal(1.0, s.Mcc, 6);         // |cos|
        Assert.Equal(0.0, s.FracRecovered);  // signed best cosine is negative for every feature...
        Assert.True(s.Mmcs < 0.5);           // ...or at most what another row happens to offer
    }

    [Fact]
    public void RandomDictionaryScoresNearTheAnalyticChanceLevel()
    {
        // For F random unit directions in d dims, the best cosine with a fixed direction is about √(2 ln F / d).
        int d = 256, f = 512;
        var s = FeatureRecovery.Score(UnitRows(512, d, 5), UnitRows(f, d, 6), 0.9);
        double chance = Math.Sqrt(2 * Math.Log(f) / d);
        Assert.InRange(s.Mmcs, 0.7 * chance, 1.1 * chance);
        Assert.Equal(0.0, s.FracRecovered);
        Assert.InRange(s.Mcc, 0.5 * chance, 1.1 * chance);   // |cos| under a one-to-one matching: also near chance
    }

    [Fact]
    public void SmallerDictionaryLeavesTrueFeaturesUnmatchedAtZero()
    {
        var truth = UnitRows(10, 6, 7);
        var s = FeatureRecovery.Score(truth, truth[..4], 0.9);
        Assert.Equal(0.4, s.Mcc, 6);   // 4 perfect matches out of 10 true features
        Assert.Equal(6, s.MatchedLatent.Count(m => m < 0));
    }
}
