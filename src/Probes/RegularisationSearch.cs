using SaePipeline.Runtime;

namespace SaePipeline.Probes;

/// <summary>
/// sae-probes' <c>find_best_reg</c>: C from 10^5 down to 10^−5 (ten values, log-spaced), each scored by validation AUC,
/// the best (first on ties) refitted on all training rows, with an L1 or L2 penalty (<see cref="ProbePenalty"/>).
/// Validation follows its <c>get_cv</c>: from 128 rows on, the last min(20%, 100) rows of the (shuffled) training set;
/// from 13 to 127 rows, six stratified folds; up to 12 rows, every pair left out (LeavePOut(2)); in the last two, only
/// folds whose validation part holds both classes count, and a fold whose training part holds one class scores 0.5. Up
/// to 3 rows, no search (C = 1). The fits are exact (<see cref="L2LogisticRegression"/>, <see cref="L1LogisticRegression"/>),
/// where sklearn's lbfgs and saga stop at their tolerance.
/// </summary>
public static class RegularisationSearch
{
    public static readonly IReadOnlyList<double> Cs = Enumerable.Range(0, 10).Select(i => Math.Pow(10, 5 - 10.0 * i / 9)).ToList();

    /// <param name="x">Row-major [n, k] features, rows in a random order.</param>
    public static (LogisticFit Fit, double C) Fit(float[] x, int n, int k, float[] y, SplitMix64 random, ProbePenalty penalty = ProbePenalty.L2)
    {
        if (n <= 3) return (Solve(penalty, x, n, k, y, 1.0), 1.0);
        var folds = Folds(n, y, random);
        double bestScore = double.NegativeInfinity, bestC = 1.0;
        foreach (double c in Cs)
        {
            if (folds.Count == 0) break;
            double mean = folds.Average(f => ValidationAuc(penalty, x, k, y, f.Train, f.Validation, c));
            if (mean > bestScore) (bestScore, bestC) = (mean, c);
        }
        return (Solve(penalty, x, n, k, y, bestC), bestC);
    }

    static LogisticFit Solve(ProbePenalty penalty, float[] x, int n, int k, float[] y, double c) => penalty switch
    {
        ProbePenalty.L1 => L1LogisticRegression.Fit(x, n, k, y, c),
        _ => L2LogisticRegression.Fit(x, n, k, y, c),
    };

    static double ValidationAuc(ProbePenalty penalty, float[] x, int k, float[] y, int[] train, int[] validation, double c)
    {
        var (tx, ty) = Take(x, k, y, train);
        if (ty.All(v => v > 0.5f) || ty.All(v => v <= 0.5f)) return 0.5;      // sae-probes' neutral score
        var fit = Solve(penalty, tx, train.Length, k, ty, c);
        var truth = validation.Select(i => y[i] > 0.5f).ToList();
        var logits = validation.Select(i => fit.Logit(x.AsSpan(i * k, k))).ToList();
        return BinaryTaskScores.RocAuc(truth, logits);
    }

    static (float[] X, float[] Y) Take(float[] x, int k, float[] y, int[] rows)
    {
        var tx = new float[rows.Length * k];
        var ty = new float[rows.Length];
        for (int r = 0; r < rows.Length; r++)
        {
            x.AsSpan(rows[r] * k, k).CopyTo(tx.AsSpan(r * k, k));
            ty[r] = y[rows[r]];
        }
        return (tx, ty);
    }

    static List<(int[] Train, int[] Validation)> Folds(int n, float[] y, SplitMix64 random)
    {
        if (n >= 128)
        {
            int validation = Math.Min((int)(0.2 * n), 100);
            return [(Enumerable.Range(0, n - validation).ToArray(), Enumerable.Range(n - validation, validation).ToArray())];
        }
        if (n <= 12)
        {
            // LeavePOut(2): every pair of rows as the validation part; only pairs of one row of each class count.
            var pairs = new List<(int[], int[])>();
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                    if (y[i] > 0.5f != y[j] > 0.5f)
                        pairs.Add((Enumerable.Range(0, n).Where(r => r != i && r != j).ToArray(), [i, j]));
            return pairs;
        }
        // Six stratified folds: each class's rows, shuffled, dealt round-robin.
        var fold = new int[n];
        foreach (bool positive in new[] { true, false })
        {
            var rows = Enumerable.Range(0, n).Where(i => y[i] > 0.5f == positive).ToList();
            random.Shuffle(rows);
            for (int j = 0; j < rows.Count; j++) fold[rows[j]] = j % 6;
        }
        var result = new List<(int[], int[])>();
        for (int f = 0; f < 6; f++)
        {
            var validation = Enumerable.Range(0, n).Where(i => fold[i] == f).ToArray();
            if (validation.Select(i => y[i] > 0.5f).Distinct().Count() < 2) continue;
            result.Add((Enumerable.Range(0, n).Where(i => fold[i] != f).ToArray(), validation));
        }
        return result;
    }
}
