using SaePipeline.Evals.Core;
using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Tests.Core;

/// <summary>
/// SAEBench core's sparsity/variance pass, per-latent densities, weight statistics and misc_metrics (docs/saebench.md §1.4,
/// §1.5) against the formulas of sae_bench/evals/core/main.py written out here with plain loops over doubles, on a tiny
/// ReLU SAE whose every number can be worked by hand (some are, as literals) and on random ones.
/// </summary>
public sealed class SparsityVarianceTests
{
    const double Tol = 1e-6;
    const int DIn = 2, DSae = 3, T = 3;

    /// <summary>
    /// W_enc columns (1,0), (0,2), (1,−1); b_enc (0, −0.5, −100), so latent 2 never fires; W_dec rows (1,0), (0.6,0.8),
    /// (0,1); b_dec (0.5, −0.5), subtracted from x before encoding.
    /// </summary>
    static ReluSae HandSae() => new(
        tensor(new float[] { 1, 0, 1, 0, 2, -1 }, [DIn, DSae]),
        tensor(new float[] { 0, -0.5f, -100 }),
        tensor(new float[] { 1, 0, 0.6f, 0.8f, 0, 1 }, [DSae, DIn]),
        tensor(new float[] { 0.5f, -0.5f }));

    /// <summary>
    /// Prompts of 3 positions; position 0 is BOS at x = (10, 10), where latents 0 and 1 fire strongly but must not count.
    /// Kept tokens, x − b_dec, f and x̂:
    ///   p0: (1.5, 0.5) → (1, 1) → f (1, 1.5, 0), x̂ (2.4, 0.7);   (0.5, 1) → (0, 1.5) → f (0, 2.5, 0), x̂ (2, 1.5)
    ///   p1: (2.5, −0.5) → (2, 0) → f (2, 0, 0), x̂ = x;             (3.5, −0.3) → (3, 0.2) → f (3, 0, 0), x̂ (3.5, −0.5)
    ///   p2: (1, 2) → (0.5, 2.5) → f (0.5, 4.5, 0);                  (−0.5, 0.5) → (−1, 1) → f (0, 1.5, 0)
    /// </summary>
    static readonly float[][] Prompts =
    [
        [10, 10, 1.5f, 0.5f, 0.5f, 1],
        [10, 10, 2.5f, -0.5f, 3.5f, -0.3f],
        [10, 10, 1, 2, -0.5f, 0.5f],
    ];

    /// <summary>One AddBatch's worth, as flat row-major float arrays: x, x̂ [B, T, d_in], f [B, T, d_sae], keep [B, T].</summary>
    sealed record Batch(int B, float[] X, float[] XHat, float[] F, bool[] Keep);

    static Batch MakeBatch(SparseAutoencoder sae, params int[] prompts)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = prompts.SelectMany(p => Prompts[p]).ToArray();
        var keep = prompts.SelectMany(_ => new[] { false, true, true }).ToArray();
        var f = sae.Encode(tensor(x, [prompts.Length * T, DIn]));
        var xHat = sae.Decode(f);
        return new Batch(prompts.Length, x, xHat.data<float>().ToArray(), f.data<float>().ToArray(), keep);
    }

    static SparsityVarianceResult Run(IEnumerable<Batch> batches, int dIn, int dSae, int t)
    {
        var metrics = new SparsityVarianceMetrics(dIn, dSae);
        foreach (var b in batches)
        {
            using var scope = NewDisposeScope();
            metrics.AddBatch(tensor(b.X, [b.B, t, dIn]), tensor(b.XHat, [b.B, t, dIn]), tensor(b.F, [b.B, t, dSae]), tensor(b.Keep, [b.B, t]));
        }
        return metrics.Result();
    }

    static void Close(double expected, double actual, double tol = Tol, string what = "")
    {
        if (double.IsNaN(expected)) Assert.True(double.IsNaN(actual), $"{what}: expected NaN, got {actual}");
        else Assert.True(Math.Abs(expected - actual) <= tol, $"{what}: expected {expected}, got {actual}");
    }

    [Fact]
    public void HandSaeEncodesAsWorkedOut()
    {
        using var sae = HandSae();
        var batch = MakeBatch(sae, 0, 1, 2);
        float[] f = [9.5f, 20.5f, 0, 1, 1.5f, 0, 0, 2.5f, 0,  9.5f, 20.5f, 0, 2, 0, 0, 3, 0, 0,  9.5f, 20.5f, 0, 0.5f, 4.5f, 0, 0, 1.5f, 0];
        for (int i = 0; i < f.Length; i++) Close(f[i], batch.F[i], Tol, $"f[{i}]");
        float[] xHat = [2.4f, 0.7f, 2, 1.5f, 2.5f, -0.5f, 3.5f, -0.5f];
        float[] keptXHat = [.. batch.XHat[2..6], .. batch.XHat[8..12]];
        for (int i = 0; i < xHat.Length; i++) Close(xHat[i], keptXHat[i], Tol, $"x̂[{i}]");
    }

    [Fact]
    public void OneBatchOfTwoPromptsMatchesTheLoopsAndTheHandValues()
    {
        using var sae = HandSae();
        var batches = new[] { MakeBatch(sae, 0, 1) };
        var result = Run(batches, DIn, DSae, T);
        AssertMatches(Reference(batches, DIn, DSae, T), result);

        Assert.Equal(4, result.Tokens);
        Assert.Equal(6, result.Positions);
        Assert.Equal(2, result.Prompts);
        Close(1.25, result.L0);                                  // 2, 1, 1, 1 latents ≠ 0 (BOS's two left out)
        Close(2.5, result.L1);                                   // 2.5, 2.5, 2, 3
        Close((0.85 + 2.5 + 0 + 0.04) / 4, result.SsePerToken);  // per-token squared errors
        Close((0.85 + 2.5 + 0 + 0.04) / 4 / 4, result.Mse);      // SAEBench: each divided by N_b = 4 as well
        // mean ‖x̂‖² / mean x·x̂ over the one batch: ‖x̂‖² = 6.25, 6.25, 6.5, 12.5; x·x̂ = 3.95, 2.5, 6.5, 12.4
        Close((6.25 + 6.25 + 6.5 + 12.5) / (3.95 + 2.5 + 6.5 + 12.4), result.RelativeReconstructionBias);
        Assert.Equal(new double[] { 0.75, 0.5, 0 }, result.FeatureDensity);   // f > 0 on 3, 2 and 0 of the 4 kept tokens
        Close(1.5, result.ConsistentActivationHeuristic[0]);   // 3 tokens in 2 prompts
        Close(2.0, result.ConsistentActivationHeuristic[1]);   // 2 tokens in 1 prompt
        Assert.True(double.IsNaN(result.ConsistentActivationHeuristic[2]));   // never fires: 0/0
    }

    [Fact]
    public void SplittingTheBatchChangesMseRrbAndLegacyEvAsInSaeBench()
    {
        using var sae = HandSae();
        var split = new[] { MakeBatch(sae, 0), MakeBatch(sae, 1) };
        var result = Run(split, DIn, DSae, T);
        AssertMatches(Reference(split, DIn, DSae, T), result);

        Assert.Equal(2, result.Batches);
        Close((0.85 / 2 + 2.5 / 2 + 0 / 2 + 0.04 / 2) / 4, result.Mse);             // N_b = 2 in each batch
        Close((6.25 / 3.225 + 9.5 / 9.45) / 2, result.RelativeReconstructionBias);  // mean of the per-batch ratios
        // Legacy EV about each batch's own mean: p0's tokens (1.5, 0.5), (0.5, 1) have mean (1, 0.75), so both have
        // ‖x − μ‖² = 0.3125; p1's (2.5, −0.5), (3.5, −0.3) have mean (3, −0.4), so both 0.26.
        Close((1 - 0.85 / 0.3125 + 1 - 2.5 / 0.3125 + 1 - 0 / 0.26 + 1 - 0.04 / 0.26) / 4, result.ExplainedVarianceLegacy);

        var whole = Run([MakeBatch(sae, 0, 1)], DIn, DSae, T);
        Assert.True(Math.Abs(whole.Mse - result.Mse) > 0.1);
        Assert.True(Math.Abs(whole.RelativeReconstructionBias - result.RelativeReconstructionBias) > 0.01);
        Assert.True(Math.Abs(whole.ExplainedVarianceLegacy - result.ExplainedVarianceLegacy) > 0.1);
        // Pooled over tokens, or counted over prompts, the split changes nothing.
        Close(whole.L2Ratio, result.L2Ratio);
        Close(whole.Fvu, result.Fvu);
        Assert.Equal(whole.FeatureDensity, result.FeatureDensity);
        Assert.Equal(whole.ConsistentActivationHeuristic, result.ConsistentActivationHeuristic);
    }

    [Fact]
    public void UnequalBatchesMakeExplainedVarianceAMeanOfBatchMeans()
    {
        using var sae = HandSae();
        var batches = new[] { MakeBatch(sae, 0, 1), MakeBatch(sae, 2) };   // 4 and 2 kept tokens
        var result = Run(batches, DIn, DSae, T);
        var expected = Reference(batches, DIn, DSae, T);
        AssertMatches(expected, result);
        // Guard that the case tells the two apart: pooling R and M over tokens gives another number.
        Assert.True(Math.Abs(expected.PooledBuggyExplainedVariance - result.ExplainedVariance) > 1e-3);
        // The density counts prompts per prompt row, not per batch: latent 1 fires in p0 and p2 (2 + 2 tokens).
        Close(4.0 / 2, result.ConsistentActivationHeuristic[1]);
        Close(4.0 / 6, result.FeatureDensity[1]);
    }

    [Fact]
    public void ZeroInputTokenGivesNanCossimAndAUnitRatioDenominator()
    {
        using var sae = HandSae();
        var batch = MakeBatch(sae, 0, 1);
        // Replace p1's first kept token by x = 0 (keeping x̂ and f as they are: the accumulator takes them as given).
        batch.X[3 * DIn + DIn] = 0;
        batch.X[3 * DIn + DIn + 1] = 0;
        var result = Run([batch], DIn, DSae, T);
        AssertMatches(Reference([batch], DIn, DSae, T), result);
        Assert.True(double.IsNaN(result.Cossim));
        Assert.Equal(1, result.CossimUndefinedTokens);
        // ‖x̂‖ / 1 for that token: ‖(2.5, −0.5)‖ = √6.5.
        double[] ratios = [Math.Sqrt(6.25) / Math.Sqrt(2.5), Math.Sqrt(6.25) / Math.Sqrt(1.25), Math.Sqrt(6.5), Math.Sqrt(12.5) / Math.Sqrt(12.34)];
        Close(ratios.Average(), result.L2Ratio);
    }

    [Fact]
    public void NegativeLatentCountsInL0AndL1ButNotInDensity()
    {
        using var sae = HandSae();
        var batch = MakeBatch(sae, 0, 1);
        batch.F[1 * DSae + 2] = -4;   // p0's first kept token gets f_2 = −4 (the accumulator takes f as given)
        var result = Run([batch], DIn, DSae, T);
        AssertMatches(Reference([batch], DIn, DSae, T), result);
        Close(6.0 / 4, result.L0);            // f ≠ 0: 3, 1, 1, 1
        Close((10.0 - 4) / 4, result.L1);     // a signed sum, no abs
        Assert.Equal(0, result.FeatureDensity[2]);   // density counts f > 0 only
        Assert.True(double.IsNaN(result.ConsistentActivationHeuristic[2]));
    }

    [Fact]
    public void RandomBatchesWithRandomMasksMatchTheLoops()
    {
        const int dIn = 5, dSae = 9, t = 6;
        var generator = new Generator(11);
        using var sae = ReluSae.Initialize(dIn, dSae, generator, CPU);
        using (no_grad())
        {
            sae.b_enc[7] = -100f;   // a dead latent
            sae.b_dec.copy_(randn([dIn], generator: generator));
        }
        var random = new Random(5);
        var batches = new List<Batch>();
        foreach (int b in new[] { 2, 3, 1, 4 })
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var x = (randn([b * t, dIn], generator: generator) * 2 + 0.5).contiguous();
            var f = sae.Encode(x);
            var keep = Enumerable.Range(0, b * t).Select(i => i % t != 0 && random.NextDouble() < 0.8).ToArray();
            keep[1] = true;
            batches.Add(new Batch(b, x.data<float>().ToArray(), sae.Decode(f).data<float>().ToArray(), f.data<float>().ToArray(), keep));
        }
        var result = Run(batches, dIn, dSae, t);
        AssertMatches(Reference(batches, dIn, dSae, t), result);
        Assert.True(double.IsNaN(result.ConsistentActivationHeuristic[7]));
        Assert.Equal(0, result.FeatureDensity[7]);
    }

    [Fact]
    public void ShapesAreChecked()
    {
        var metrics = new SparsityVarianceMetrics(DIn, DSae);
        using var scope = NewDisposeScope();
        var x = zeros([1, T, DIn]);
        var f = zeros([1, T, DSae]);
        var keep = ones([1, T], ScalarType.Bool);
        Assert.Throws<ArgumentException>(() => metrics.AddBatch(x, zeros([1, T, DIn + 1]), f, keep));
        Assert.Throws<ArgumentException>(() => metrics.AddBatch(x, x, zeros([1, T, DSae + 1]), keep));
        Assert.Throws<ArgumentException>(() => metrics.AddBatch(x, x, f, ones([1, T])));   // keep must be bool
        metrics.AddBatch(x, x, f, keep);
        Assert.Equal(T, metrics.Result().Tokens);
    }

    // ---- weight statistics -------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void WeightStatisticsOfTheHandSae(int chunkRows)
    {
        using var sae = HandSae();
        var w = FeatureWeightStatistics.Compute(sae, chunkRows);
        double r = 1 / Math.Sqrt(2);
        AssertClose([1, 2, Math.Sqrt(2)], w.EncoderNorm);
        AssertClose([0, -0.5, -100], w.EncoderBias);
        // cos((1,0),(1,0)) = 1; cos((0,2),(0.6,0.8)) = 0.8; cos((1,−1),(0,1)) = −1/√2
        AssertClose([1, 0.8, -r], w.EncoderDecoderCosineSim);
        // encoder columns: cos(c0,c1) = 0, cos(c0,c2) = 1/√2, cos(c1,c2) = −1/√2
        AssertClose([r, 0, r], w.MaxEncoderCosineSim);
        // decoder rows: cos(d0,d1) = 0.6, cos(d0,d2) = 0, cos(d1,d2) = 0.8
        AssertClose([0.6, 0.8, 0.8], w.MaxDecoderCosineSim);
    }

    [Fact]
    public void GatedEncoderBiasIsBMagAndAZeroColumnIsNanForEncDecButZeroForMaxCos()
    {
        using var gated = new GatedSae(
            tensor(new float[] { 1, 0, 0, 0, 2, 0 }, [DIn, DSae]),   // column 2 is zero
            tensor(new float[] { 7, 8, 9 }), zeros([DSae]), tensor(new float[] { 0.25f, -1, 3 }),
            tensor(new float[] { 1, 0, 0.6f, 0.8f, 0, 1 }, [DSae, DIn]), zeros([DIn]));
        var w = FeatureWeightStatistics.Compute(gated, chunkRows: 2);
        AssertClose([0.25, -1, 3], w.EncoderBias);
        AssertClose([1, 2, 0], w.EncoderNorm);
        Assert.True(double.IsNaN(w.EncoderDecoderCosineSim[2]));   // SAEBench divides by a zero norm
        Close(0.8, w.EncoderDecoderCosineSim[1]);
        // F.normalize clamps the norm: the zero column is a zero vector, cosine 0 with the others, not NaN.
        AssertClose([0, 0, 0], w.MaxEncoderCosineSim);
    }

    [Fact]
    public void ChunkedMaxCosineMatchesAllPairsLoopsAndExcludesOnlySelf()
    {
        const int n = 37, d = 6;
        var rows = randn([n, d], generator: new Generator(4)).to(float64);
        rows[5] = rows[20] * 3;   // parallel pair: each one's max is 1 (itself excluded, the other not)
        var data = rows.data<double>().ToArray();
        var expected = new double[n];
        for (int i = 0; i < n; i++)
        {
            expected[i] = double.NegativeInfinity;
            for (int j = 0; j < n; j++)
            {
                if (j == i) continue;
                double dot = 0, ni = 0, nj = 0;
                for (int k = 0; k < d; k++)
                {
                    dot += data[i * d + k] * data[j * d + k];
                    ni += data[i * d + k] * data[i * d + k];
                    nj += data[j * d + k] * data[j * d + k];
                }
                expected[i] = Math.Max(expected[i], dot / Math.Sqrt(ni * nj));
            }
        }
        foreach (int chunk in new[] { 0, 1, 5, 36, 37 })
            AssertClose(expected, FeatureWeightStatistics.MaxCosineSimilarityToOthers(rows, chunk), 1e-12);
        Close(1, expected[5], 1e-12);
        Close(1, expected[20], 1e-12);
        Assert.True(expected.Count(e => e > 1 - 1e-9) == 2);
        Assert.True(double.IsNegativeInfinity(FeatureWeightStatistics.MaxCosineSimilarityToOthers(ones([1, d]))[0]));
    }

    // ---- misc metrics ------------------------------------------------------------------------------------------------

    [Fact]
    public void MiscMetricsCountStrictlyAboveFloat32Thresholds()
    {
        // 0.01 and 0.1 are not over themselves; 0.01 + 1e-10 is over 0.01 in float64 but not in SAEBench's float32.
        double[] density = [0, 0.005, 0.01, 0.01 + 1e-10, 0.05, 0.1, 0.2];
        double[] maxEnc = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7];
        double[] maxDec = [1, 0, 0, 0, 0, 0, 0.4];
        var m = MiscMetrics.Compute(density, maxEnc, maxDec);
        double total = density.Sum(x => (double)(float)x);
        Close(6.0 / 7, m.FracAlive);
        Close(3.0 / 7, m.FreqOver1Percent);            // 0.05, 0.1, 0.2
        Close(1.0 / 7, m.FreqOver10Percent);           // 0.2
        Close((0.05 + 0.1 + 0.2) / total, m.NormalizedFreqOver1Percent);
        Close(0.2 / total, m.NormalizedFreqOver10Percent);
        Close(0.4, m.AverageMaxEncoderCosineSim);
        Close(0.2, m.AverageMaxDecoderCosineSim);

        var dead = MiscMetrics.Compute([0, 0], [0.5, 0.5], [0.5, 0.5]);
        Assert.Equal(0, dead.FracAlive);
        Assert.Equal(0, dead.NormalizedFreqOver1Percent);   // total 0: SAEBench returns 0.0
        Assert.Equal(0, dead.NormalizedFreqOver10Percent);
    }

    [Fact]
    public void MiscMetricsOfTheHandSae()
    {
        using var sae = HandSae();
        var sparsity = Run([MakeBatch(sae, 0, 1)], DIn, DSae, T);   // densities 0.75, 0.5, 0
        var m = MiscMetrics.Compute(sparsity, FeatureWeightStatistics.Compute(sae));
        Close(2.0 / 3, m.FracAlive);
        Close(2.0 / 3, m.FreqOver1Percent);
        Close(2.0 / 3, m.FreqOver10Percent);
        Close(1, m.NormalizedFreqOver1Percent);
        Close(1, m.NormalizedFreqOver10Percent);
        Close(2 / Math.Sqrt(2) / 3, m.AverageMaxEncoderCosineSim);
        Close((0.6 + 0.8 + 0.8) / 3, m.AverageMaxDecoderCosineSim);
    }

    // ---- the reference: main.py's formulas, token by token -----------------------------------------------------------

    sealed record Expected(
        long Tokens, double L2NormIn, double L2NormOut, double L2Ratio, double Rrb, double L0, double L1,
        double ExplainedVariance, double ExplainedVarianceLegacy, double Mse, double Cossim, long CossimNan,
        double SsePerToken, double Fvu, double[] Density, double[] Cah, double PooledBuggyExplainedVariance);

    static Expected Reference(IReadOnlyList<Batch> batches, int dIn, int dSae, int t)
    {
        var l2In = new List<double>(); var l2Out = new List<double>(); var ratio = new List<double>();
        var l0 = new List<double>(); var l1 = new List<double>(); var sse = new List<double>(); var mse = new List<double>();
        var cos = new List<double>(); var evLegacy = new List<double>();
        var batchMeanSse = new List<double>(); var batchMeanSq = new List<double>(); var rrb = new List<double>();
        var meanSqPerDim = new List<double>();   // torch.cat of the per-batch [d_in] vectors
        var keptX = new List<double[]>();
        var fireTokens = new long[dSae];
        var firePrompts = new long[dSae];

        foreach (var batch in batches)
        {
            double[] Vec(float[] a, int row, int width) => Enumerable.Range(0, width).Select(k => (double)a[row * width + k]).ToArray();
            var rows = Enumerable.Range(0, batch.B * t).Where(r => batch.Keep[r]).ToList();
            int n = rows.Count;
            var mu = new double[dIn];
            foreach (int r in rows) for (int k = 0; k < dIn; k++) mu[k] += batch.X[r * dIn + k] / (double)n;
            double bSse = 0, bSq = 0, bXHatSq = 0, bDot = 0;
            var bMeanSqPerDim = new double[dIn];
            foreach (int r in rows)
            {
                var x = Vec(batch.X, r, dIn); var xh = Vec(batch.XHat, r, dIn); var f = Vec(batch.F, r, dSae);
                double nIn = 0, nOut = 0, s = 0, centred = 0, dot = 0;
                for (int k = 0; k < dIn; k++)
                {
                    nIn += x[k] * x[k]; nOut += xh[k] * xh[k]; dot += x[k] * xh[k];
                    s += (x[k] - xh[k]) * (x[k] - xh[k]);
                    centred += (x[k] - mu[k]) * (x[k] - mu[k]);
                    bMeanSqPerDim[k] += x[k] * x[k] / n;
                }
                double sq = nIn;
                nIn = Math.Sqrt(nIn); nOut = Math.Sqrt(nOut);
                l2In.Add(nIn); l2Out.Add(nOut);
                ratio.Add(nOut / (nIn < 1e-4 ? 1 : nIn));
                l0.Add(f.Count(v => v != 0)); l1.Add(f.Sum());
                sse.Add(s); mse.Add(s / n);
                double c = 0;
                for (int k = 0; k < dIn; k++) c += x[k] / nIn * (xh[k] / nOut);
                cos.Add(c);
                evLegacy.Add(1 - s / centred);
                bSse += s / n; bSq += sq / n; bXHatSq += nOut * nOut / n; bDot += dot / n;
                keptX.Add(x);
            }
            batchMeanSse.Add(bSse); batchMeanSq.Add(bSq); rrb.Add(bXHatSq / bDot);
            meanSqPerDim.AddRange(bMeanSqPerDim);
            for (int p = 0; p < batch.B; p++)
                for (int i = 0; i < dSae; i++)
                {
                    int count = Enumerable.Range(p * t, t).Count(r => batch.Keep[r] && batch.F[r * dSae + i] > 0);
                    fireTokens[i] += count;
                    if (count > 0) firePrompts[i]++;
                }
        }

        double sMean = meanSqPerDim.Average();
        double ev = 1 - batchMeanSse.Average() / (batchMeanSq.Average() - sMean * sMean);
        double pooledSq = keptX.Average(x => x.Sum(v => v * v));
        double pooledEv = 1 - sse.Average() / (pooledSq - Math.Pow(pooledSq / dIn, 2));
        var globalMean = Enumerable.Range(0, dIn).Select(k => keptX.Average(x => x[k])).ToArray();
        double totalVariance = keptX.Sum(x => Enumerable.Range(0, dIn).Sum(k => (x[k] - globalMean[k]) * (x[k] - globalMean[k])));
        int tokens = keptX.Count;
        return new Expected(
            tokens, l2In.Average(), l2Out.Average(), ratio.Average(), rrb.Average(), l0.Average(), l1.Average(),
            ev, evLegacy.Average(), mse.Average(), cos.Average(), cos.Count(double.IsNaN),
            sse.Average(), sse.Sum() / totalVariance,
            fireTokens.Select(c => (double)c / tokens).ToArray(),
            Enumerable.Range(0, dSae).Select(i => firePrompts[i] == 0 ? double.NaN : (double)fireTokens[i] / firePrompts[i]).ToArray(),
            pooledEv);
    }

    static void AssertMatches(Expected e, SparsityVarianceResult r)
    {
        Assert.Equal(e.Tokens, r.Tokens);
        Close(e.L2NormIn, r.L2NormIn, Tol, "l2_norm_in");
        Close(e.L2NormOut, r.L2NormOut, Tol, "l2_norm_out");
        Close(e.L2Ratio, r.L2Ratio, Tol, "l2_ratio");
        Close(e.Rrb, r.RelativeReconstructionBias, Tol, "relative_reconstruction_bias");
        Close(e.L0, r.L0, Tol, "l0");
        Close(e.L1, r.L1, Tol, "l1");
        Close(e.ExplainedVariance, r.ExplainedVariance, Tol, "explained_variance");
        Close(e.ExplainedVarianceLegacy, r.ExplainedVarianceLegacy, Tol, "explained_variance_legacy");
        Close(e.Mse, r.Mse, Tol, "mse");
        Close(e.Cossim, r.Cossim, Tol, "cossim");
        Assert.Equal(e.CossimNan, r.CossimUndefinedTokens);
        Close(e.SsePerToken, r.SsePerToken, Tol, "sse per token");
        Close(e.Fvu, r.Fvu, Tol, "fvu");
        AssertClose(e.Density, r.FeatureDensity);
        AssertClose(e.Cah, r.ConsistentActivationHeuristic);
    }

    static void AssertClose(double[] expected, double[] actual, double tol = Tol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Close(expected[i], actual[i], tol, $"[{i}]");
    }
}
