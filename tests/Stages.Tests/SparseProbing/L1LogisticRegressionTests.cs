using SaePipeline.Probes;
using Xunit;

namespace SaePipeline.Tests.SparseProbing;

/// <summary>
/// sae-probes' L1 probe (<see cref="L1LogisticRegression"/>) against its optimality conditions written out here, random
/// perturbations, a one-feature problem solved by nested ternary search, the closed-form C below which every weight
/// is zero, and planted irrelevant features.
/// </summary>
public sealed class L1LogisticRegressionTests
{
    static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    /// <summary>Features ~ N(0, 1)-ish; the label depends on the first <paramref name="relevant"/> features only.</summary>
    static (float[] X, float[] Y) Problem(int n, int k, int relevant, int seed)
    {
        var random = new Random(seed);
        var x = new float[n * k];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            double z = 0.3;
            for (int d = 0; d < k; d++)
            {
                x[i * k + d] = (float)(random.NextDouble() * 2 - 1);
                if (d < relevant) z += 3 * x[i * k + d] * (d % 2 == 0 ? 1 : -1);
            }
            y[i] = random.NextDouble() < Sigmoid(z) ? 1 : 0;
        }
        return (x, y);
    }

    /// <summary>∂(C·loss)/∂w_d and ∂/∂b, written naively.</summary>
    static double[] LossGradient(float[] x, int n, int k, float[] y, LogisticFit fit, double c)
    {
        var g = new double[k + 1];
        for (int i = 0; i < n; i++)
        {
            double r = Sigmoid(fit.Logit(x.AsSpan(i * k, k))) - y[i];
            for (int d = 0; d < k; d++) g[d] += c * r * x[i * k + d];
            g[k] += c * r;
        }
        return g;
    }

    [Theory]
    [InlineData(200, 5, 2, 0.1)]
    [InlineData(200, 5, 2, 10)]
    [InlineData(500, 20, 3, 1)]
    [InlineData(300, 100, 4, 0.5)]
    [InlineData(150, 3, 3, 1000)]
    public void TheFitMeetsTheL1OptimalityConditions(int n, int k, int relevant, double c)
    {
        var (x, y) = Problem(n, k, relevant, seed: n + k);
        var fit = L1LogisticRegression.Fit(x, n, k, y, c);
        var g = LossGradient(x, n, k, y, fit, c);
        double tolerance = 1e-7 * Math.Max(1, c);
        Assert.True(Math.Abs(g[k]) < tolerance, $"∂f/∂b = {g[k]}");
        for (int d = 0; d < k; d++)
        {
            if (fit.Weights[d] != 0) Assert.True(Math.Abs(g[d] + Math.Sign(fit.Weights[d])) < tolerance, $"w_{d} = {fit.Weights[d]}: ∂loss = {g[d]}");
            else Assert.True(Math.Abs(g[d]) <= 1 + tolerance, $"w_{d} = 0 but |∂loss| = {Math.Abs(g[d])}");
        }
    }

    [Fact]
    public void NoPerturbationLowersTheObjective()
    {
        const int n = 300, k = 8;
        var (x, y) = Problem(n, k, 3, seed: 7);
        const double c = 0.7;
        var fit = L1LogisticRegression.Fit(x, n, k, y, c);
        double best = L1LogisticRegression.Objective(x, n, k, y, fit.Weights, fit.Intercept, c);
        var random = new Random(3);
        for (int trial = 0; trial < 500; trial++)
        {
            double size = Math.Pow(10, -1 - 4 * random.NextDouble());
            var w = fit.Weights.Select(v => v + size * (random.NextDouble() * 2 - 1)).ToArray();
            double b = fit.Intercept + size * (random.NextDouble() * 2 - 1);
            Assert.True(L1LogisticRegression.Objective(x, n, k, y, w, b, c) >= best - 1e-9, $"a perturbation of size {size} lowered f");
        }
    }

    [Fact]
    public void OneFeatureMatchesANestedTernarySearch()
    {
        const int n = 120;
        var (x, y) = Problem(n, 1, 1, seed: 11);
        const double c = 0.05;
        var fit = L1LogisticRegression.Fit(x, n, 1, y, c);
        // f is convex in (w, b), so min_b f(w, b) is convex in w: ternary search over w, inside it over b.
        double F(double w, double b) => L1LogisticRegression.Objective(x, n, 1, y, [w], b, c);
        double InnerMin(double w, out double argB)
        {
            double lo = -20, hi = 20;
            for (int i = 0; i < 200; i++)
            {
                double m1 = lo + (hi - lo) / 3, m2 = hi - (hi - lo) / 3;
                if (F(w, m1) < F(w, m2)) hi = m2; else lo = m1;
            }
            argB = (lo + hi) / 2;
            return F(w, argB);
        }
        double wlo = -20, whi = 20;
        for (int i = 0; i < 200; i++)
        {
            double m1 = wlo + (whi - wlo) / 3, m2 = whi - (whi - wlo) / 3;
            if (InnerMin(m1, out _) < InnerMin(m2, out _)) whi = m2; else wlo = m1;
        }
        double wStar = (wlo + whi) / 2;
        InnerMin(wStar, out double bStar);
        Assert.Equal(wStar, fit.Weights[0], 5);
        Assert.Equal(bStar, fit.Intercept, 5);
    }

    [Fact]
    public void BelowTheClosedFormThresholdEveryWeightIsZero()
    {
        // With w = 0 the optimal intercept predicts the positive rate ȳ everywhere, and w = 0 stays optimal exactly while
        // C · max_d |Σ_i (ȳ − y_i) x_id| ≤ 1: the smallest C with a non-zero weight is 1 / that maximum.
        const int n = 400, k = 6;
        var (x, y) = Problem(n, k, 2, seed: 5);
        double mean = y.Average(v => (double)v);
        double gradientAtZero = Enumerable.Range(0, k).Max(d => Math.Abs(Enumerable.Range(0, n).Sum(i => (mean - y[i]) * (double)x[i * k + d])));
        double threshold = 1 / gradientAtZero;

        var below = L1LogisticRegression.Fit(x, n, k, y, threshold * 0.99);
        Assert.All(below.Weights, w => Assert.Equal(0.0, w));
        Assert.Equal(Math.Log(mean / (1 - mean)), below.Intercept, 9);

        var above = L1LogisticRegression.Fit(x, n, k, y, threshold * 1.5);
        Assert.Contains(above.Weights, w => w != 0);
    }

    [Fact]
    public void IrrelevantFeaturesGetExactlyZeroWeight()
    {
        // Two features decide the label; eighteen are noise. At a moderate C the L1 fit keeps the two and drops most
        // noise features exactly, where the L2 fit gives every feature some weight.
        const int n = 2000, k = 20;
        var (x, y) = Problem(n, k, 2, seed: 21);
        var l1 = L1LogisticRegression.Fit(x, n, k, y, 0.01);
        Assert.NotEqual(0.0, l1.Weights[0]);
        Assert.NotEqual(0.0, l1.Weights[1]);
        Assert.True(l1.Weights.Skip(2).Count(w => w == 0) >= 12, $"zeros among the noise: {l1.Weights.Skip(2).Count(w => w == 0)}");
        var l2 = L2LogisticRegression.Fit(x, n, k, y, 0.01);
        Assert.DoesNotContain(0.0, l2.Weights);
    }

    [Fact]
    public void OneClassIsRefused() =>
        Assert.Throws<ArgumentException>(() => L1LogisticRegression.Fit(new float[] { 1, 2, 3 }, 3, 1, new float[] { 1, 1, 1 }));
}
