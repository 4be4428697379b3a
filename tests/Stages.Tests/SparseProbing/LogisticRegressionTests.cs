using SaePipeline.Activations.Labelled;
using SaePipeline.Probes;

namespace SaePipeline.Tests.SparseProbing;

/// <summary>
/// The top-k sparse probe (docs/saebench.md §3): <see cref="L2LogisticRegression"/> against a closed-form reduction, a
/// gradient written out here, random perturbations and plain gradient descent; <see cref="TopKDimensions"/> on planted
/// mean differences.
/// </summary>
public sealed class LogisticRegressionTests
{
    static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    /// <summary>The objective, written naively (fine for the moderate logits of these tests).</summary>
    static double NaiveObjective(float[] x, int n, int k, float[] y, double[] w, double b, double c)
    {
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            double z = b;
            for (int d = 0; d < k; d++) z += w[d] * x[i * k + d];
            double s = y[i] == 1 ? 1 : -1;
            loss += Math.Log(1 + Math.Exp(-s * z));
        }
        return c * loss + 0.5 * w.Sum(v => v * v);
    }

    /// <summary>∂f/∂w_d = C Σ (σ(z_i) − y_i) x_id + w_d; ∂f/∂b = C Σ (σ(z_i) − y_i), the intercept unpenalised.</summary>
    static double[] NaiveGradient(float[] x, int n, int k, float[] y, double[] w, double b, double c)
    {
        var g = new double[k + 1];
        for (int i = 0; i < n; i++)
        {
            double z = b;
            for (int d = 0; d < k; d++) z += w[d] * x[i * k + d];
            double r = Sigmoid(z) - y[i];
            for (int d = 0; d < k; d++) g[d] += c * r * x[i * k + d];
            g[k] += c * r;
        }
        for (int d = 0; d < k; d++) g[d] += w[d];
        return g;
    }

    /// <summary>
    /// At x = +1: a positives and c negatives; at x = −1: c positives and a negatives. f(w, b) is symmetric in b, so
    /// b = 0, and then f(w) = C [2a·log(1+e^{−w}) + 2c·log(1+e^{w})] + w²/2, whose derivative is
    /// C [2(a+c)σ(w) − 2a] + w: increasing in w, negative at 0 (a &gt; c) and positive at 2aC, so bisection finds w.
    /// </summary>
    [Theory]
    [InlineData(30, 10, 1.0)]
    [InlineData(30, 10, 0.25)]
    [InlineData(7, 2, 3.0)]
    [InlineData(500, 1, 1.0)]
    public void SymmetricOneFeatureProblemMatchesItsScalarEquation(int a, int cCount, double c)
    {
        var x = new List<float>();
        var y = new List<float>();
        void Add(float value, float label, int count) { for (int i = 0; i < count; i++) { x.Add(value); y.Add(label); } }
        Add(+1, 1, a); Add(+1, 0, cCount); Add(-1, 1, cCount); Add(-1, 0, a);

        double lo = 0, hi = 2 * a * c;
        for (int i = 0; i < 200; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (c * (2.0 * (a + cCount) * Sigmoid(mid) - 2.0 * a) + mid < 0) lo = mid; else hi = mid;
        }
        double expected = 0.5 * (lo + hi);

        var fit = L2LogisticRegression.Fit(x.ToArray(), x.Count, 1, y.ToArray(), c);
        Assert.Equal(expected, fit.Weights[0], 1e-8);
        Assert.Equal(0, fit.Intercept, 1e-10);
        Assert.InRange(fit.Iterations, 1, L2LogisticRegression.MaxIterations - 1);
    }

    /// <summary>n = 200, k = 3, labels drawn from a logistic model with an offset (so b is far from 0).</summary>
    static (float[] X, float[] Y) RandomProblem(int seed, int n, int k)
    {
        var random = new Random(seed);
        var x = new float[n * k];
        var y = new float[n];
        double[] truth = [1.5, -2.0, 0.7];
        for (int i = 0; i < n; i++)
        {
            double z = 0.8;
            for (int d = 0; d < k; d++) z += truth[d % truth.Length] * (x[i * k + d] = (float)(random.NextDouble() * 4 - 2));
            y[i] = random.NextDouble() < Sigmoid(z) ? 1 : 0;
        }
        return (x, y);
    }

    [Fact]
    public void RandomProblemIsSolvedToTheOptimum()
    {
        const int n = 200, k = 3;
        const double c = 1.0;
        var (x, y) = RandomProblem(12345, n, k);
        var fit = L2LogisticRegression.Fit(x, n, k, y, c);
        Assert.InRange(fit.Iterations, 1, L2LogisticRegression.MaxIterations - 1);
        Assert.True(Math.Abs(fit.Intercept) > 0.1, $"intercept {fit.Intercept}: the offset should show");

        foreach (double g in NaiveGradient(x, n, k, y, fit.Weights, fit.Intercept, c))
            Assert.True(Math.Abs(g) < 1e-10 * n * 2, $"gradient component {g}");     // features in ±2

        double best = NaiveObjective(x, n, k, y, fit.Weights, fit.Intercept, c);
        Assert.Equal(best, L2LogisticRegression.Objective(x, n, k, y, fit.Weights, fit.Intercept, c), 1e-9);

        var random = new Random(99);
        for (int trial = 0; trial < 200; trial++)
        {
            double scale = Math.Pow(10, -1 - trial % 4);   // 1e−1 … 1e−4
            var w = fit.Weights.Select(v => v + scale * (random.NextDouble() * 2 - 1)).ToArray();
            double b = fit.Intercept + scale * (random.NextDouble() * 2 - 1);
            Assert.True(best <= NaiveObjective(x, n, k, y, w, b, c), $"perturbation {trial} (scale {scale}) is lower");
        }

        // Plain gradient descent with step 1/L, L = C/4 · Σ ‖(x_i, 1)‖² + 1 bounding the Hessian.
        double lipschitz = 1;
        for (int i = 0; i < n; i++)
        {
            double norm = 1;
            for (int d = 0; d < k; d++) norm += (double)x[i * k + d] * x[i * k + d];
            lipschitz += c / 4 * norm;
        }
        var gw = new double[k];
        double gb = 0;
        for (int step = 0; step < 20000; step++)
        {
            var g = NaiveGradient(x, n, k, y, gw, gb, c);
            for (int d = 0; d < k; d++) gw[d] -= g[d] / lipschitz;
            gb -= g[k] / lipschitz;
        }
        Assert.True(best <= NaiveObjective(x, n, k, y, gw, gb, c) + 1e-12 * Math.Abs(best), "gradient descent found a lower objective");
        for (int d = 0; d < k; d++) Assert.Equal(gw[d], fit.Weights[d], 1e-6);
        Assert.Equal(gb, fit.Intercept, 1e-6);
    }

    /// <summary>
    /// <see cref="L2LogisticRegression.GradientTolerance"/> is met on 60 varied problems (n 20…400, k 1…6, C 0.1…100,
    /// feature scales 0.01…100, balanced to lopsided labels): max |∇f| (the test's own formula) below
    /// 1e−10 · n · max(1, max|x|) · max(1, C). Near the optimum Newton's decrease in f falls below f's rounding before
    /// ∇f reaches that, so a solver that only trusts decreases of f stops short of it (by up to ~50× here).
    /// </summary>
    [Fact]
    public void ManyRandomProblemsMeetTheDocumentedGradientTolerance()
    {
        var random = new Random(2024);
        for (int problem = 0; problem < 60; problem++)
        {
            int n = random.Next(20, 401), k = random.Next(1, 7);
            double c = Math.Pow(10, random.NextDouble() * 3 - 1);
            double scale = Math.Pow(10, random.NextDouble() * 4 - 2);
            double positiveShare = 0.1 + 0.8 * random.NextDouble();
            var x = new float[n * k];
            var y = new float[n];
            for (int i = 0; i < n; i++)
            {
                y[i] = random.NextDouble() < positiveShare ? 1 : 0;
                for (int d = 0; d < k; d++)
                    x[i * k + d] = (float)(scale * (random.NextDouble() * 2 - 1 + (d == 0 ? 1.5 * y[i] : 0)));
            }
            if (y.All(v => v == y[0])) continue;

            var fit = L2LogisticRegression.Fit(x, n, k, y, c);
            Assert.InRange(fit.Iterations, 1, L2LogisticRegression.MaxIterations - 1);
            double bound = 1e-10 * n * Math.Max(1, x.Max(v => Math.Abs((double)v))) * Math.Max(1, c);
            var g = NaiveGradient(x, n, k, y, fit.Weights, fit.Intercept, c);
            Assert.True(g.Max(Math.Abs) < bound, $"problem {problem} (n {n}, k {k}, C {c:G3}, scale {scale:G3}): max |∇f| {g.Max(Math.Abs):G3} ≥ {bound:G3}");
        }
    }

    /// <summary>
    /// Two classes split by x₀ + 0.5·x₁ with a margin: the unregularised optimum is at infinity, the L2 one is finite.
    /// Scaled by 1000 the features are far from ±1 (the gradient tolerance scales with them).
    /// </summary>
    [Theory]
    [InlineData(1f)]
    [InlineData(1000f)]
    public void SeparableDataConvergesToAFiniteClassifier(float scale)
    {
        const int k = 2;
        var random = new Random(7);
        var x = new List<float>();
        var y = new List<float>();
        while (y.Count < 300)
        {
            double x0 = random.NextDouble() * 4 - 2, x1 = random.NextDouble() * 4 - 2, s = x0 + 0.5 * x1;
            if (Math.Abs(s) < 0.3) continue;
            x.Add((float)(x0 * scale)); x.Add((float)(x1 * scale));
            y.Add(s > 0 ? 1 : 0);
        }
        int n = y.Count;
        var features = x.ToArray();
        var labels = y.ToArray();

        var fit = L2LogisticRegression.Fit(features, n, k, labels);
        Assert.All(fit.Weights, w => Assert.True(double.IsFinite(w)));
        Assert.True(double.IsFinite(fit.Intercept));
        Assert.InRange(fit.Iterations, 1, L2LogisticRegression.MaxIterations - 1);
        Assert.True(double.IsFinite(L2LogisticRegression.Objective(features, n, k, labels, fit.Weights, fit.Intercept)));

        int correct = 0;
        for (int i = 0; i < n; i++)
            if (fit.Predict(features.AsSpan(i * k, k)) == (labels[i] == 1)) correct++;
        Assert.Equal(n, correct);

        // Stationary: the gradient, relative to its scale C·n·max|x|, is at rounding level.
        double gradientScale = n * Math.Max(1, 2 * scale);
        foreach (double g in NaiveGradient(features, n, k, labels, fit.Weights, fit.Intercept, 1.0))
            Assert.True(Math.Abs(g) < 1e-8 * gradientScale, $"gradient component {g}");
        // And the direction is the planted one: w₁/w₀ near 0.5.
        Assert.InRange(fit.Weights[1] / fit.Weights[0], 0.3, 0.7);
    }

    /// <summary>
    /// Logits of ±1000 and more: log(1 + e¹⁰⁰⁰) is 1000 to far below float64 precision and log(1 + e⁻²⁰⁰⁰) is 0, where
    /// a naive log(1 + exp(t)) overflows to infinity.
    /// </summary>
    [Fact]
    public void ObjectiveIsExactAtHugeLogits()
    {
        float[] x = [1f, -1f, 2f];
        float[] y = [0f, 1f, 1f];           // logits 1000 (label 0), −1000 (label 1), 2000 (label 1)
        double f = L2LogisticRegression.Objective(x, 3, 1, y, [1000.0], 0, c: 0.5);
        Assert.Equal(0.5 * (1000 + 1000 + 0) + 0.5 * 1000 * 1000, f, 1e-9);
    }

    /// <summary>
    /// One outlier at x = 10⁵ labelled 0 among 100 points at ±1 labelled by sign: its logit is huge for any w of
    /// order 1, so the line search sees log(1 + e^{10⁵ w}) far beyond exp's range. The fit must still reach the
    /// (finite) optimum: stationarity is checked with the test's own overflow-safe gradient (σ with exp(−|z|)).
    /// </summary>
    [Fact]
    public void OutlierWithEnormousLogitsStillReachesTheOptimum()
    {
        var x = new List<float>();
        var y = new List<float>();
        for (int i = 0; i < 50; i++) { x.Add(1); y.Add(1); x.Add(-1); y.Add(0); }
        x.Add(1e5f); y.Add(0);
        int n = y.Count;
        var fit = L2LogisticRegression.Fit(x.ToArray(), n, 1, y.ToArray());
        Assert.True(double.IsFinite(fit.Weights[0]) && double.IsFinite(fit.Intercept));
        Assert.InRange(fit.Iterations, 1, L2LogisticRegression.MaxIterations - 1);

        static double SafeSigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
        double gw = fit.Weights[0], gb = 0;
        for (int i = 0; i < n; i++)
        {
            double r = SafeSigmoid(fit.Weights[0] * x[i] + fit.Intercept) - y[i];
            gw += r * x[i];
            gb += r;
        }
        Assert.True(Math.Abs(gw) < 1e-8 * n * 1e5, $"∂f/∂w = {gw}");
        Assert.True(Math.Abs(gb) < 1e-8 * n, $"∂f/∂b = {gb}");
        // At w = b = 0 the outlier's gradient, 10⁵·σ(0), swamps the clean points' −50, so w turns negative until the
        // two balance: the clean logits stay near 0 (residuals ∓½, together −50 on w), hence 10⁵·σ(z_out) ≈ 50, i.e.
        // z_out ≈ logit(5·10⁻⁴). The outlier wins and every clean point ends up (barely) on the wrong side.
        Assert.True(fit.Weights[0] < 0);
        Assert.Equal(Math.Log(5e-4 / (1 - 5e-4)), fit.Weights[0] * 1e5 + fit.Intercept, 1e-3);
        Assert.Equal(0, Enumerable.Range(0, n - 1).Count(i => fit.Predict([x[i]]) == (y[i] == 1)));
    }

    [Fact]
    public void OneClassOnlyIsRejectedLikeSklearn() =>
        Assert.Throws<ArgumentException>(() => L2LogisticRegression.Fit([1f, 2f, 3f], 3, 1, [1f, 1f, 1f]));

    /// <summary>
    /// 12 dimensions; each positive row has a negative twin with the same noise, so every noise dimension's mean
    /// difference is 0. Planted: +3 on dimension 7 for positives, +2 on dimension 2 for negatives (a negative
    /// difference: only its size counts), +1.5 on both 9 and 4 for positives (a tie). The noise is a multiple of
    /// 1/1024, so every sum is exact in any order and the ties are exact. Row 24, outside the examples, has a huge
    /// dimension 0 and must not count.
    /// </summary>
    static (PooledRows Rows, ProbeExamples Train) PlantedMeans()
    {
        const int dim = 12, pairs = 12;
        var random = new Random(3);
        var values = new float[(2 * pairs + 1) * dim];
        for (int p = 0; p < pairs; p++)
            for (int d = 0; d < dim; d++)
                values[p * dim + d] = values[(pairs + p) * dim + d] = random.Next(-1024, 1025) / 1024f;
        for (int p = 0; p < pairs; p++)
        {
            values[p * dim + 7] += 3;
            values[(pairs + p) * dim + 2] += 2;
            values[p * dim + 9] += 1.5f;
            values[p * dim + 4] += 1.5f;
        }
        values[2 * pairs * dim] = 1e6f;
        // Examples in a shuffled order, so selection must follow the labels, not the row positions.
        var order = Enumerable.Range(0, 2 * pairs).OrderBy(_ => random.Next()).ToArray();
        var labels = order.Select(r => r < pairs ? 1f : 0f).ToArray();
        return (new PooledRows(values, dim, new int[2 * pairs + 1]), new ProbeExamples(order, labels));
    }

    [Fact]
    public void TopKPicksTheLargestMeanDifferencesInIndexOrder()
    {
        var (rows, train) = PlantedMeans();
        Assert.Equal([7], TopKDimensions.Select(rows, train, 1));
        Assert.Equal([2, 7], TopKDimensions.Select(rows, train, 2));
        Assert.Equal([2, 4, 7], TopKDimensions.Select(rows, train, 3));          // 4 and 9 tie at 1.5: the lower index
        Assert.Equal([2, 4, 7, 9], TopKDimensions.Select(rows, train, 4));
        // The remaining dimensions tie at 0: lowest index first.
        Assert.Equal([0, 2, 4, 7, 9], TopKDimensions.Select(rows, train, 5));
        Assert.Equal([0, 1, 2, 4, 7, 9], TopKDimensions.Select(rows, train, 6));
    }

    [Fact]
    public void TopKBreaksAnExactTieTowardTheLowerIndex()
    {
        // Two rows, exact values: dimensions 1, 3 and 5 differ by exactly 2, dimension 0 by 1.
        var values = new float[] { 1, 2, 0, 2, 0, 2,     0, 0, 0, 0, 0, 0 };
        var rows = new PooledRows(values, 6, [1, 1]);
        var train = new ProbeExamples([0, 1], [1f, 0f]);
        Assert.Equal([1], TopKDimensions.Select(rows, train, 1));
        Assert.Equal([1, 3], TopKDimensions.Select(rows, train, 2));
        // Reversed labels give negative differences of the same size: same choice.
        Assert.Equal([1, 3], TopKDimensions.Select(rows, new ProbeExamples([0, 1], [0f, 1f]), 2));
        Assert.Equal([0, 1, 3, 5], TopKDimensions.Select(rows, train, 4));
    }

    [Fact]
    public void GatherTakesTheChosenColumnsOfTheExamplesRows()
    {
        var rows = new PooledRows([0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23], 4, [1, 1, 1]);
        var examples = new ProbeExamples([2, 0], [1f, 0f]);
        Assert.Equal([21f, 23f, 1f, 3f], TopKDimensions.Gather(rows, examples, [1, 3]));
    }

    /// <summary>Rows of 16 noise dimensions in ±1; when <paramref name="signal"/>, dimension 11 is ±(1 … 2) by label.</summary>
    static (PooledRows Rows, ProbeExamples Examples) PlantedProbeData(int n, int seed, bool signal)
    {
        const int dim = 16;
        var random = new Random(seed);
        var values = new float[n * dim];
        var labels = new float[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = i % 2;
            for (int d = 0; d < dim; d++) values[i * dim + d] = (float)(random.NextDouble() * 2 - 1);
            if (signal) values[i * dim + 11] = (float)((labels[i] == 1 ? 1 : -1) * (1 + random.NextDouble()));
        }
        return (new PooledRows(values, dim, new int[n]), new ProbeExamples(Enumerable.Range(0, n).ToArray(), labels));
    }

    [Fact]
    public void TopKProbeOnAPlantedDimensionIsPerfectAndOnNoiseIsChance()
    {
        var (trainRows, train) = PlantedProbeData(200, 1, signal: true);
        var (testRows, test) = PlantedProbeData(100, 2, signal: true);
        var (accuracy, dims) = TopKDimensions.TopKProbe(trainRows, train, testRows, test, 1);
        Assert.Equal([11], dims);
        Assert.Equal(1.0, accuracy);

        var (accuracy2, dims2) = TopKDimensions.TopKProbe(trainRows, train, testRows, test, 2);
        Assert.Contains(11, dims2);
        Assert.Equal(1.0, accuracy2);

        // Control: the same pipeline on labels that no dimension carries scores near chance (1000 test rows).
        var (noiseRows, noiseTrain) = PlantedProbeData(200, 3, signal: false);
        var (noiseTestRows, noiseTest) = PlantedProbeData(1000, 4, signal: false);
        var (chance, _) = TopKDimensions.TopKProbe(noiseRows, noiseTrain, noiseTestRows, noiseTest, 2);
        Assert.InRange(chance, 0.4, 0.6);
    }

    [Fact]
    public void BalancedClassWeightsEqualRepeatingTheRarerClass()
    {
        // sklearn's class_weight="balanced" weighs positives by n/(2·n₊) and negatives by n/(2·n₋). With 10 positives
        // among 40 that is 2 and 2/3, i.e. (2/3)·(3, 1): the same objective as repeating each positive three times at
        // C = 2/3 without weights, so both fits must find the same optimum.
        var random = new Random(5);
        const int n = 40, k = 3;
        var x = new float[n * k];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = i < 10 ? 1 : 0;
            for (int d = 0; d < k; d++) x[i * k + d] = (float)(random.NextDouble() * 2 - 1 + (d == 0 ? y[i] : 0));
        }
        var balanced = L2LogisticRegression.Fit(x, n, k, y, balanced: true);

        var repeatedX = new List<float>();
        var repeatedY = new List<float>();
        for (int i = 0; i < n; i++)
            for (int r = 0; r < (y[i] > 0 ? 3 : 1); r++)
            {
                repeatedX.AddRange(x.AsSpan(i * k, k).ToArray());
                repeatedY.Add(y[i]);
            }
        var repeated = L2LogisticRegression.Fit(repeatedX.ToArray(), repeatedY.Count, k, repeatedY.ToArray(), c: 2.0 / 3);

        for (int d = 0; d < k; d++) Assert.Equal(repeated.Weights[d], balanced.Weights[d], 9);
        Assert.Equal(repeated.Intercept, balanced.Intercept, 9);
        var plain = L2LogisticRegression.Fit(x, n, k, y);
        Assert.True(Math.Abs(plain.Intercept - balanced.Intercept) > 0.1, "balancing must move the intercept toward the rarer class");
    }

    [Fact]
    public void AWideProblemBuiltWithMatrixProductsStillMeetsTheOptimalityCondition()
    {
        // k = 150 > WideProblem: ∇f and H come from libtorch products. The fit must still zero the gradient computed
        // naively, term by term, as on narrow problems.
        const int n = 400, k = 150;
        var random = new Random(11);
        var x = new float[n * k];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            double z = 0.3;
            for (int d = 0; d < k; d++) z += (d % 7 == 0 ? 0.8 : 0.05) * (x[i * k + d] = (float)(random.NextDouble() * 2 - 1));
            y[i] = random.NextDouble() < Sigmoid(z) ? 1 : 0;
        }
        Assert.True(k + 1 > L2LogisticRegression.WideProblem);
        var fit = L2LogisticRegression.Fit(x, n, k, y, c: 0.5);
        var g = NaiveGradient(x, n, k, y, fit.Weights, fit.Intercept, 0.5);
        Assert.All(g, v => Assert.True(Math.Abs(v) < 1e-7, $"gradient component {v}"));
    }
}
