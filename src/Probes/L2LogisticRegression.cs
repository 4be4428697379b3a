using static SaePipeline.Probes.LogisticFunctions;

namespace SaePipeline.Probes;

/// <summary>
/// A fitted binary logistic regression: logit = w·x + b, the positive class (label 1) when the logit is above 0.
/// </summary>
/// <param name="Iterations">Newton steps taken (0 when the starting point w = 0, b = 0 already met the tolerance).</param>
public sealed record LogisticFit(double[] Weights, double Intercept, int Iterations)
{
    public int Dim => Weights.Length;

    /// <summary>w·x + b in float64, summed in feature order.</summary>
    public double Logit(ReadOnlySpan<float> x)
    {
        if (x.Length != Weights.Length)
            throw new ArgumentException($"expected {Weights.Length} features, got {x.Length}", nameof(x));
        double sum = Intercept;
        for (int d = 0; d < Weights.Length; d++) sum += Weights[d] * x[d];
        return sum;
    }

    /// <summary>
    /// sklearn's <c>predict</c> for two classes: <c>classes_[(decision_function(x) &gt; 0)]</c>, so a logit of exactly
    /// 0 is the negative class.
    /// </summary>
    public bool Predict(ReadOnlySpan<float> x) => Logit(x) > 0;
}

/// <summary>
/// The probe of SAEBench's top-k sparse probing (<c>train_sklearn_probe</c>, docs/saebench.md §3): sklearn's
/// <c>LogisticRegression(penalty="l2", C=1.0, fit_intercept=True)</c> on two classes, i.e. the minimiser of
/// <code>f(w, b) = C · Σ_i log(1 + exp(−s_i (w·x_i + b))) + ½‖w‖²,   s_i = +1 for label 1, −1 for label 0</code>
/// with the intercept b not penalised. sklearn's lbfgs path converts the float32 features SAEBench hands it to float64
/// before fitting; we read float32 and compute in float64 likewise. (Newer sklearn divides f by Σ sample weights
/// internally; the minimiser is the same.)
/// <para>
/// sklearn runs L-BFGS and stops when the projected gradient of its rescaled objective is below tol = 1e−4, so its
/// coefficients sit near, not at, the optimum. With k ≤ 100 features the (k+1)-dimensional problem is cheap to solve
/// exactly, so we do: Newton's method (IRLS) from w = 0, b = 0 (sklearn's start), a Cholesky solve of the Hessian and a
/// backtracking (Armijo) line search on f; once f is flat to rounding, full Newton steps judged by the gradient finish
/// the job (see <see cref="Fit"/>). The L2 term makes f strictly convex in w, and the intercept's curvature
/// C·Σ p_i(1−p_i) is positive, so the optimum is unique and finite even on linearly separable data, where the
/// unregularised problem has none. Our predictions therefore agree with sklearn's except for points whose logit is
/// within about sklearn's tolerance (~1e−4, relative) of 0, where its early stop can land on either side.
/// </para>
/// </summary>
public static class L2LogisticRegression
{
    /// <summary>Newton steps at most; from w = 0 a fit took at most 28 over 20 000 random problems with C up to 10¹².</summary>
    public const int MaxIterations = 100;

    /// <summary>
    /// Relative gradient tolerance: stop once max |∇f| &lt; GradientTolerance · max(1, n) · max(1, max |x|) · max(1, C).
    /// </summary>
    /// <remarks>
    /// ∇f is a sum of n terms of size up to C·max|x|, so its float64 rounding floor is about C·n·ε·max|x|; the bound
    /// scales likewise to stay reachable for activations of size 100 and more (SAE latents can be) or a large C. For
    /// SAEBench's C = 1 and features within ±1 it is 1e−10·max(1, n).
    /// </remarks>
    public const double GradientTolerance = 1e-10;

    /// <summary>Fits the regression.</summary>
    /// <param name="features">Row-major [n, k] float32 features.</param>
    /// <param name="labels">n labels, 1 (positive) or 0 (negative); anything above 0.5 counts as positive.</param>
    /// <param name="c">sklearn's C: the inverse L2 strength, multiplying the summed log-loss.</param>
    /// <param name="balanced">
    /// sklearn's <c>class_weight="balanced"</c>: each example's log-loss is weighted by n / (2·n_class), so both classes
    /// weigh the same in total (SAEBench's absorption k-sparse probes use it).
    /// </param>
    /// <exception cref="ArgumentException">Shapes disagree, or only one class is present (sklearn raises too).</exception>
    public static LogisticFit Fit(ReadOnlySpan<float> features, int n, int k, ReadOnlySpan<float> labels, double c = 1.0, bool balanced = false)
    {
        Validate(features, n, k, labels, c);
        int positives = 0;
        foreach (float y in labels)
            if (y > 0.5f) positives++;
        if (positives == 0 || positives == n)
            throw new ArgumentException("logistic regression needs examples of both classes", nameof(labels));
        var weights = balanced ? new ClassWeights(n / (2.0 * positives), n / (2.0 * (n - positives))) : ClassWeights.Uniform;

        double maxAbs = 0;
        foreach (float v in features) maxAbs = Math.Max(maxAbs, Math.Abs((double)v));
        double tolerance = GradientTolerance * Math.Max(1, n) * Math.Max(1, maxAbs) * Math.Max(1, c);

        int p = k + 1;                       // parameters: w_0 … w_{k−1}, then b
        var theta = new double[p];
        var trial = new double[p];
        var gradient = new double[p];
        var hessian = new double[p * p];
        var trialGradient = new double[p];
        var trialHessian = new double[p * p];
        var step = new double[p];
        var logits = new double[n];

        double objective = Evaluate(features, n, k, labels, c, weights, theta, logits);
        GradientAndHessian(features, n, k, labels, c, weights, theta, logits, gradient, hessian);
        double gradientMax = MaxAbs(gradient);
        int iterations = 0;
        while (gradientMax >= tolerance && iterations < MaxIterations)
        {
            // Newton direction: H d = −∇f. H is positive definite in exact arithmetic; if rounding (all p_i(1−p_i)
            // underflowing far from the optimum) breaks that, add a growing ridge until the factorisation succeeds.
            for (int i = 0; i < p; i++) step[i] = -gradient[i];
            bool solved = SolveCholesky(hessian, p, 0, step);
            for (double ridge = 1e-10 * Math.Max(1, MaxDiagonal(hessian, p)); !solved && ridge < 1e300; ridge *= 10)
            {
                for (int i = 0; i < p; i++) step[i] = -gradient[i];
                solved = SolveCholesky(hessian, p, ridge, step);
            }
            if (!solved) break;              // a non-finite Hessian: nothing sensible left to do

            double slope = 0;                // ∇f·d < 0 for a descent direction
            for (int i = 0; i < p; i++) slope += gradient[i] * step[i];
            if (!(slope < 0)) break;         // no descent left at float64 precision

            // Armijo backtracking, demanding a strict decrease (a step that leaves f unchanged proves nothing).
            bool accepted = false;
            double t = 1, value = double.NaN;
            for (int halving = 0; halving < 60 && !accepted; halving++, t *= 0.5)
            {
                for (int i = 0; i < p; i++) trial[i] = theta[i] + t * step[i];
                value = Evaluate(features, n, k, labels, c, weights, trial, logits);
                accepted = value < objective && value <= objective + 1e-4 * t * slope;
            }
            if (accepted)
                GradientAndHessian(features, n, k, labels, c, weights, trial, logits, trialGradient, trialHessian);
            else
            {
                // No step lowers f measurably: near the optimum Newton's decrease ½∇fᵀH⁻¹∇f falls below f's rounding
                // (about n·ε·|f|) long before ∇f reaches its own, much finer, rounding floor. There the full Newton
                // step is the right one; accept it if f stays flat to rounding and it shrinks the gradient, else stop.
                for (int i = 0; i < p; i++) trial[i] = theta[i] + step[i];
                value = Evaluate(features, n, k, labels, c, weights, trial, logits);
                double flat = 8 * MachineEpsilon * Math.Max(1, n) * Math.Max(1, Math.Abs(objective));
                if (!(value <= objective + flat)) break;
                GradientAndHessian(features, n, k, labels, c, weights, trial, logits, trialGradient, trialHessian);
                if (!(MaxAbs(trialGradient) < gradientMax)) break;
            }
            (theta, trial) = (trial, theta);
            (gradient, trialGradient) = (trialGradient, gradient);
            (hessian, trialHessian) = (trialHessian, hessian);
            objective = value;
            gradientMax = MaxAbs(gradient);
            iterations++;
        }

        return new LogisticFit(theta.AsSpan(0, k).ToArray(), theta[k], iterations);
    }

    /// <summary>f(w, b) = C · Σ_i log(1 + exp(−s_i (w·x_i + b))) + ½‖w‖², in float64 with a stable log(1 + eᵗ).</summary>
    public static double Objective(ReadOnlySpan<float> features, int n, int k, ReadOnlySpan<float> labels,
                                   ReadOnlySpan<double> weights, double intercept, double c = 1.0)
    {
        Validate(features, n, k, labels, c);
        if (weights.Length != k) throw new ArgumentException($"expected {k} weights, got {weights.Length}", nameof(weights));
        var theta = new double[k + 1];
        weights.CopyTo(theta);
        theta[k] = intercept;
        return Evaluate(features, n, k, labels, c, ClassWeights.Uniform, theta, new double[n]);
    }

    /// <summary>The objective at θ = (w, b); also leaves each example's logit in <paramref name="logits"/>.</summary>
    static double Evaluate(ReadOnlySpan<float> features, int n, int k, ReadOnlySpan<float> labels, double c, ClassWeights weights,
                           ReadOnlySpan<double> theta, Span<double> logits)
    {
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            var x = features.Slice(i * k, k);
            double z = theta[k];
            for (int d = 0; d < k; d++) z += theta[d] * x[d];
            logits[i] = z;
            loss += weights.Of(labels[i]) * Softplus(labels[i] > 0.5f ? -z : z);      // log(1 + exp(−s z))
        }
        double norm = 0;
        for (int d = 0; d < k; d++) norm += theta[d] * theta[d];
        return c * loss + 0.5 * norm;
    }

    /// <summary>
    /// ∇f = C Σ r_i (x_i, 1) + (w, 0) and H = C Σ p_i(1−p_i) (x_i, 1)(x_i, 1)ᵀ + diag(1, …, 1, 0), with
    /// r_i = σ(z_i) − y_i (computed as −σ(−z_i) for positives, so it does not cancel to 0 when σ(z_i) ≈ 1).
    /// </summary>
    static void GradientAndHessian(ReadOnlySpan<float> features, int n, int k, ReadOnlySpan<float> labels, double c, ClassWeights weights,
                                   ReadOnlySpan<double> theta, ReadOnlySpan<double> logits, Span<double> gradient, Span<double> hessian)
    {
        int p = k + 1;
        gradient.Clear();
        hessian.Clear();
        if (p > WideProblem)
        {
            WideGradientAndHessian(features, n, k, labels, weights, logits, gradient, hessian);
            FinishGradientAndHessian(k, c, theta, gradient, hessian);
            return;
        }
        Span<double> row = stackalloc double[p];
        for (int i = 0; i < n; i++)
        {
            var x = features.Slice(i * k, k);
            for (int d = 0; d < k; d++) row[d] = x[d];
            row[k] = 1;
            double z = logits[i];
            double weight = weights.Of(labels[i]);
            double residual = weight * (labels[i] > 0.5f ? -Sigmoid(-z) : Sigmoid(z));
            double curvature = weight * SigmoidTimesComplement(z);
            for (int a = 0; a < p; a++)
            {
                gradient[a] += residual * row[a];
                if (curvature == 0) continue;
                double scaled = curvature * row[a];
                for (int b = 0; b <= a; b++) hessian[a * p + b] += scaled * row[b];
            }
        }
        FinishGradientAndHessian(k, c, theta, gradient, hessian);
    }

    /// <summary>Scales the sums by C, mirrors the lower triangle and adds the L2 term's gradient and curvature.</summary>
    static void FinishGradientAndHessian(int k, double c, ReadOnlySpan<double> theta, Span<double> gradient, Span<double> hessian)
    {
        int p = k + 1;
        for (int a = 0; a < p; a++)
        {
            gradient[a] *= c;
            for (int b = 0; b <= a; b++)
            {
                hessian[a * p + b] *= c;
                hessian[b * p + a] = hessian[a * p + b];
            }
        }
        for (int d = 0; d < k; d++)
        {
            gradient[d] += theta[d];
            hessian[d * p + d] += 1;
        }
    }

    /// <summary>
    /// Problems with more parameters than this (a probe on all of a model's dimensions) build ∇f and H as float64 matrix
    /// products, O(n·p²) in BLAS instead of scalar loops; smaller ones, every top-k probe, keep the loops (and their
    /// exact summation order).
    /// </summary>
    public const int WideProblem = 128;

    /// <summary>Σ r_i (x_i, 1) and the lower triangle of Σ p_i(1−p_i) (x_i, 1)(x_i, 1)ᵀ, as libtorch products.</summary>
    static void WideGradientAndHessian(ReadOnlySpan<float> features, int n, int k, ReadOnlySpan<float> labels, ClassWeights weights,
                                       ReadOnlySpan<double> logits, Span<double> gradient, Span<double> hessian)
    {
        int p = k + 1;
        var rows = new double[n * p];
        var residual = new double[n];
        var curvature = new double[n];
        for (int i = 0; i < n; i++)
        {
            for (int d = 0; d < k; d++) rows[i * p + d] = features[i * k + d];
            rows[i * p + k] = 1;
            double z = logits[i], weight = weights.Of(labels[i]);
            residual[i] = weight * (labels[i] > 0.5f ? -Sigmoid(-z) : Sigmoid(z));
            curvature[i] = weight * SigmoidTimesComplement(z);
        }
        using var scope = TorchSharp.torch.NewDisposeScope();
        var x = TorchSharp.torch.tensor(rows, [n, p]);
        var g = x.t().matmul(TorchSharp.torch.tensor(residual, [n, 1]));
        var h = x.t().matmul(x * TorchSharp.torch.tensor(curvature, [n, 1]));
        g.contiguous().data<double>().CopyTo(gradient);
        h.contiguous().data<double>().CopyTo(hessian);
    }

    /// <summary>
    /// Solves (H + ridge·I) x = rhs in place by a Cholesky factorisation of a copy of H; false when a pivot is not
    /// positive (H not numerically positive definite).
    /// </summary>
    static bool SolveCholesky(ReadOnlySpan<double> h, int p, double ridge, Span<double> rhs)
    {
        var l = new double[p * p];
        for (int i = 0; i < p; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = h[i * p + j] + (i == j ? ridge : 0);
                for (int m = 0; m < j; m++) sum -= l[i * p + m] * l[j * p + m];
                if (i == j)
                {
                    if (!(sum > 0) || double.IsInfinity(sum)) return false;
                    l[i * p + i] = Math.Sqrt(sum);
                }
                else l[i * p + j] = sum / l[j * p + j];
            }
        }
        for (int i = 0; i < p; i++)               // L y = rhs
        {
            double sum = rhs[i];
            for (int m = 0; m < i; m++) sum -= l[i * p + m] * rhs[m];
            rhs[i] = sum / l[i * p + i];
        }
        for (int i = p - 1; i >= 0; i--)          // Lᵀ x = y
        {
            double sum = rhs[i];
            for (int m = i + 1; m < p; m++) sum -= l[m * p + i] * rhs[m];
            rhs[i] = sum / l[i * p + i];
        }
        return true;
    }

    /// <summary>Shapes agree and C is positive and finite (shared with <see cref="L1LogisticRegression"/>).</summary>
    internal static void Validate(ReadOnlySpan<float> features, int n, int k, ReadOnlySpan<float> labels, double c)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if ((long)n * k != features.Length)
            throw new ArgumentException($"expected {n}×{k} = {(long)n * k} features, got {features.Length}", nameof(features));
        if (labels.Length != n) throw new ArgumentException($"expected {n} labels, got {labels.Length}", nameof(labels));
        if (!(c > 0) || double.IsInfinity(c)) throw new ArgumentOutOfRangeException(nameof(c), c, "C must be positive and finite");
    }

    /// <summary>The log-loss weight of a positive and of a negative example.</summary>
    readonly record struct ClassWeights(double Positive, double Negative)
    {
        public static readonly ClassWeights Uniform = new(1, 1);

        public double Of(float label) => label > 0.5f ? Positive : Negative;
    }

    const double MachineEpsilon = 2.220446049250313e-16;      // 2⁻⁵², float64's unit roundoff × 2

    static double MaxAbs(ReadOnlySpan<double> values)
    {
        double max = 0;
        foreach (double v in values) max = Math.Max(max, Math.Abs(v));
        return max;
    }

    static double MaxDiagonal(ReadOnlySpan<double> h, int p)
    {
        double max = 0;
        for (int i = 0; i < p; i++) max = Math.Max(max, Math.Abs(h[i * p + i]));
        return max;
    }
}
