using SaePipeline.Evals;
using SaePipeline.Evals.Synthetic;

namespace SaePipeline.Tests;

public sealed class LinearAssignmentTests
{
    /// <summary>The best total over every injective assignment, by enumeration.</summary>
    static double BruteForceMax(double[,] w)
    {
        int n = w.GetLength(0), m = w.GetLength(1);
        double best = double.NegativeInfinity;
        void Go(int row, bool[] used, double total)
        {
            if (row == n) { best = Math.Max(best, total); return; }
            for (int j = 0; j < m; j++)
            {
                if (used[j]) continue;
                used[j] = true;
                Go(row + 1, used, total + w[row, j]);
                used[j] = false;
            }
        }
        Go(0, new bool[m], 0);
        return best;
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(4, 4, 2)]
    [InlineData(5, 7, 3)]
    [InlineData(6, 6, 4)]
    [InlineData(3, 8, 5)]
    public void MatchesBruteForceOnRandomMatrices(int n, int m, int seed)
    {
        var rng = new Random(seed);
        for (int trial = 0; trial < 20; trial++)
        {
            var w = new double[n, m];
            for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) w[i, j] = rng.NextDouble();
            var pairs = LinearAssignment.Maximize(w);
            Assert.Equal(n, pairs.Length);
            Assert.Equal(n, pairs.Select(p => p.Column).Distinct().Count());
            Assert.Equal(BruteForceMax(w), pairs.Sum(p => w[p.Row, p.Column]), 9);
        }
    }

    [Fact]
    public void MoreRowsThanColumnsMatchesEachColumnOnce()
    {
        var w = new double[,] { { 0.1, 0.9 }, { 0.8, 0.2 }, { 0.5, 0.5 } };
        var pairs = LinearAssignment.Maximize(w);
        Assert.Equal([(0, 1), (1, 0)], pairs);
    }

    [Fact]
    public void GreedyWouldBeWrong()
    {
        // Greedy takes (0,0)=0.9 first and is left with 0.1; the optimum pairs 0.8 + 0.8.
        var w = new double[,] { { 0.9, 0.8 }, { 0.8, 0.1 } };
        Assert.Equal(1.6, LinearAssignment.Maximize(w).Sum(p => w[p.Row, p.Column]), 12);
    }
}
