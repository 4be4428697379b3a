using SaePipeline.Runtime;

namespace SaePipeline.Tests.ScrTpp;

/// <summary>
/// NumPy's legacy RandomState against published outputs: the MT19937 reference implementation's first outputs for its
/// default seed 5489, and <c>np.random.RandomState(seed).permutation(10)</c> as NumPy prints it.
/// </summary>
public sealed class NumpyRandomStateTests
{
    [Fact]
    public void Mt19937MatchesTheReferenceOutputsForSeed5489()
    {
        var state = new NumpyRandomState(5489);
        Assert.Equal([3499211612u, 581869302u, 3890346734u, 3586334585u, 545404204u], Enumerable.Range(0, 5).Select(_ => state.NextUInt32()));
    }

    [Theory]
    [InlineData(42, new[] { 8, 1, 5, 0, 7, 2, 9, 4, 3, 6 })]
    [InlineData(0, new[] { 2, 8, 4, 9, 1, 6, 7, 3, 0, 5 })]
    public void PermutationMatchesNumpy(long seed, int[] expected) =>
        Assert.Equal(expected, NumpyRandomState.FromSeed(seed).Permutation(10));

    [Fact]
    public void PandasSampleIsTheHeadOfThePermutation()
    {
        // DataFrame.sample(3, random_state=42) on 10 rows returns rows 8, 1, 5, in that order.
        Assert.Equal([8, 1, 5], NumpyRandomState.PandasSample(10, 3, 42));
        Assert.Throws<ArgumentOutOfRangeException>(() => NumpyRandomState.PandasSample(2, 3, 42));
        Assert.Throws<ArgumentOutOfRangeException>(() => NumpyRandomState.FromSeed(-1));
    }
}
