using SaePipeline.Evals.Absorption;
using Xunit;

namespace SaePipeline.Tests.Absorption;

public sealed class FeatureSplitsTests
{
    static readonly IReadOnlyList<IReadOnlyList<int>> Latents = [[7], [7, 3], [7, 3, 9], [7, 3, 9, 1]];

    [Theory]
    [InlineData(new[] { 0.5, 0.52, 0.9, 0.95 }, 1)]   // +0.02 is no jump: stop at k = 1 even though k = 3 is better
    [InlineData(new[] { 0.5, 0.6, 0.7, 0.72 }, 3)]    // jumps of 0.1, 0.1, then 0.02
    [InlineData(new[] { 0.0, 0.0, 0.0, 0.0 }, 1)]     // the first k is always taken
    [InlineData(new[] { 0.1, 0.2, 0.3, 0.4 }, 4)]
    public void MainLatentsGrowWhileF1JumpsByMoreThanTheThreshold(double[] f1, int expected)
    {
        Assert.Equal(Latents[expected - 1], FeatureSplits.MainLatents(f1, Latents, 0.03));
    }
}
