using static SaePipeline.Probes.LogisticFunctions;

namespace SaePipeline.Probes;

/// <summary>
/// The probe of sae-probes with <c>reg_type: l1</c> (SAEBench's default for the SAE's probes): sklearn's
/// <c>LogisticRegression(penalty="l1", solver="saga")</c> on two classes, i.e. the minimiser of
/// <code>f(w, b) = C · Σ_i log(1 + exp(−s_i (w·x_i + b))) + ‖w‖₁,   s_i = +1 for label 1, −1 for label 0</code>
/// with the intercept b not penalised (saga leaves it out of the penalty, unlike liblinear).
/// <para>
/// saga is a stochastic method stopped at tol = 1e−4 after at most 1000 epochs, so sklearn's coefficients sit near the
/// optimum, and a weight it leaves at a small non-zero value may be exactly 0 here. With k ≤ 100 features we solve the
/// problem exactly instead: proximal Newton (as newGLMNET does), each step minimising f's quadratic model plus the
/// exact ‖·‖₁ by cyclic coordinate descent with soft-thresholding, then a backtracking line search on f. It stops when
/// the optimality conditions hold to rounding: |∂f/∂b| = 0, ∂f/∂w_j = −sign(w_j) where w_j ≠ 0, |∂(C·loss)/∂w_j| ≤ 1
/// where w_j = 0. Unlike the L2 problem, the optimum need not be unique when features are collinear; the fit returns
/// the one this path reaches from w = 0, b = 0.
/// </para>
/// </summary>
public static class L1LogisticRegression
{
    /// <summary>Proximal Newton steps at most.</summary>
    public const int MaxIterations = 200;

    /// <summary>Coordinate-descent sweeps at most per Newton step.</summary>
    public const int MaxSweeps = 1000;

    /// <summary>
    /// Optimality tolerance: stop once every condition above is violated by less than
    /// Tolerance · max(1, n) · max(1, max |x|) · C + 1e−12. The loss gradient is a sum of n terms of size up to C·max|x|,
    /// so its float64 rounding floor is about C·n·ε·max|x|; the bound stays a few hundred times above that (unlike the
    /// L2 fit's, it scales with C itself, so a small C still gets a tight intercept).
    /// </summary>
    public const double Tolerance = 1e-12;

    /// <summary>Fits the regression.</summary>
    /// <param name="features">Row-major [n, k] float32 features.</param>
    /// <param name="labels">n labels, 1 (positive) or 0 (negative); anything above 0.5 counts as positive.</param>
    /// <param name="c">sklearn's C: the inverse L1 strength, multiplying the summed log-loss.</param>
    /// <exception cref="ArgumentException">Shapes disagree, or only one class is present (sklearn raises too).</exception>
    public static LogisticFit Fit(ReadOnlySpan<float> features, int n, int k, ReadOnlySpan<float> labels, double c = 1.0)
    {
        L2LogisticRegression.Validate(features, n, k, labels, c);
        int positives = 0;
        foreach (float y in labels)
            if (y > 0.5f) positives++;
        if (positives == 0 || positives == n)
            throw new ArgumentException("logistic regression needs examples of both classes", nameof(labels));

        int p = k + 1;                                   // w_0 … w_{k−1}, then b
        var x = new double[n * p];                       // each row (x_i, 1), so b is one more coordinate
        var positive = new bool[n];
        double maxAbs = 0;
        for (int i = 0; i < n; i++)
        {
            for (int d = 0; d < k; d++)
            {
                x[i * p + d] = features[i * k + d];
                maxAbs = Math.Max(maxAbs, Math.Abs(x[i * p + d]));
            }
            x[i * p + k] = 1;
            positive[i] = labels[i] > 0.5f;
        }
        double tolerance = Tolerance * Math.Max(1, n) * Math.Max(1, maxAbs) * c + 1e-12;

        var theta = new double[p];
        var trial = new double[p];
        var step = new double[p];
        var gradient = new double[p];
        var hessian = new double[p * p];
        var logits = new double[n];
        double objective = Evaluate(x, n, p, positive, c, theta, logits);
        int iterations = 0;
        for (; iterations < MaxIterations; iterations++)
        {
            GradientAndHessian(x, n, p, positive, c, logits, gradient, hessian);
            if (Violation(theta, gradient, k) < tolerance) break;
            QuadraticStep(theta, gradient, hessian, p, step);

            // The model's predicted decrease: ∇·d + ‖w + d‖₁ − ‖w‖₁ (negative unless d = 0).
            double predicted = 0;
            for (int j = 0; j < p; j++) predicted += gradient[j] * step[j];
            for (int j = 0; j < k; j++) predicted += Math.Abs(theta[j] + step[j]) - Math.Abs(theta[j]);
            if (!(predicted < 0)) break;

            bool accepted = false;
            double value = double.NaN;
            for (double t = 1; t > 1e-18 && !accepted; t *= 0.5)
            {
                for (int j = 0; j < p; j++) trial[j] = theta[j] + t * step[j];
                value = Evaluate(x, n, p, positive, c, trial, logits);
                accepted = value < objective && value <= objective + 1e-4 * t * predicted;
            }
            if (!accepted)
            {
                // f is flat to rounding here (as in the L2 fit): take the full step only if it keeps f flat and
                // improves the optimality conditions, else this is as close as float64 gets.
                for (int j = 0; j < p; j++) trial[j] = theta[j] + step[j];
                value = Evaluate(x, n, p, positive, c, trial, logits);
                double flat = 8 * 2.220446049250313e-16 * Math.Max(1, n) * Math.Max(1, Math.Abs(objective));
                var trialGradient = new double[p];
                GradientAndHessian(x, n, p, positive, c, logits, trialGradient, new double[p * p]);
                if (!(value <= objective + flat) || !(Violation(trial, trialGradient, k) < Violation(theta, gradient, k)))
                {
                    Evaluate(x, n, p, positive, c, theta, logits);
                    break;
                }
            }
            (theta, trial) = (trial, theta);
            objective = value;
        }
        return new LogisticFit(theta.AsSpan(0, k).ToArray(), theta[k], iterations);
    }

    /// <summary>f(w, b) = C · Σ_i log(1 + exp(−s_i (w·x_i + b))) + ‖w‖₁ at θ = (w, b), for tests and callers that compare fits.</summary>
    public static double Objective(ReadOnlySpan<float> features, int n, int k, ReadOnlySpan<float> labels, ReadOnlySpan<double> weights, double intercept, double c)
    {
        double loss = 0, norm = 0;
        for (int i = 0; i < n; i++)
        {
            double z = intercept;
            for (int d = 0; d < k; d++) z += weights[d] * features[i * k + d];
            loss += Softplus(labels[i] > 0.5f ? -z : z);
        }
        foreach (double w in weights) norm += Math.Abs(w);
        return c * loss + norm;
    }

    static double Evaluate(double[] x, int n, int p, bool[] positive, double c, double[] theta, double[] logits)
    {
        double loss = 0, norm = 0;
        for (int i = 0; i < n; i++)
        {
            double z = 0;
            for (int j = 0; j < p; j++) z += theta[j] * x[i * p + j];
            logits[i] = z;
            loss += Softplus(positive[i] ? -z : z);
        }
        for (int j = 0; j < p - 1; j++) norm += Math.Abs(theta[j]);
        return c * loss + norm;
    }

    /// <summary>The smooth part's gradient C Σ r_i a_i and Hessian C Σ p_i(1−p_i) a_i a_iᵀ, a_i = (x_i, 1), r_i = σ(z_i) − y_i.</summary>
    static void GradientAndHessian(double[] x, int n, int p, bool[] positive, double c, double[] logits, double[] gradient, double[] hessian)
    {
        Array.Clear(gradient);
        Array.Clear(hessian);
        for (int i = 0; i < n; i++)
        {
            double z = logits[i];
            double residual = positive[i] ? -Sigmoid(-z) : Sigmoid(z);
            double curvature = SigmoidTimesComplement(z);
            var a = x.AsSpan(i * p, p);
            for (int j = 0; j < p; j++)
            {
                gradient[j] += residual * a[j];
                double ca = curvature * a[j];
                for (int l = 0; l <= j; l++) hessian[j * p + l] += ca * a[l];
            }
        }
        for (int j = 0; j < p; j++)
        {
            gradient[j] *= c;
            for (int l = 0; l <= j; l++) hessian[l * p + j] = hessian[j * p + l] *= c;
        }
    }

    /// <summary>How far θ is from optimal: the largest violation of the conditions in the summary.</summary>
    static double Violation(double[] theta, double[] gradient, int k)
    {
        double worst = Math.Abs(gradient[k]);
        for (int j = 0; j < k; j++)
        {
            double v = theta[j] > 0 ? Math.Abs(gradient[j] + 1) : theta[j] < 0 ? Math.Abs(gradient[j] - 1) : Math.Max(Math.Abs(gradient[j]) - 1, 0);
            worst = Math.Max(worst, v);
        }
        return worst;
    }

    /// <summary>
    /// d minimising ∇·d + ½ dᵀHd + ‖w + d‖₁ (b's coordinate unpenalised), by cyclic coordinate descent: each weight
    /// moves to the soft-thresholded minimiser of its one-dimensional slice, the intercept to its exact minimiser.
    /// </summary>
    static void QuadraticStep(double[] theta, double[] gradient, double[] hessian, int p, double[] step)
    {
        int k = p - 1;
        Array.Clear(step);
        var hStep = new double[p];                      // H·d, kept current as coordinates move
        double scale = 0;
        for (int j = 0; j < p; j++) scale = Math.Max(scale, Math.Abs(theta[j]));
        for (int sweep = 0; sweep < MaxSweeps; sweep++)
        {
            double largest = 0;
            for (int j = 0; j < p; j++)
            {
                double a = hessian[j * p + j];
                if (!(a > 0)) continue;                 // a feature that is 0 on every row: its weight stays put
                double slope = gradient[j] + hStep[j];
                double current = theta[j] + step[j], next;
                if (j == k) next = current - slope / a;
                else
                {
                    double v = current - slope / a;
                    next = Math.Sign(v) * Math.Max(Math.Abs(v) - 1 / a, 0);
                }
                double delta = next - current;
                if (delta == 0) continue;
                step[j] += delta;
                for (int l = 0; l < p; l++) hStep[l] += delta * hessian[l * p + j];
                largest = Math.Max(largest, Math.Abs(delta));
            }
            if (largest <= 1e-15 * Math.Max(1, scale)) break;
        }
    }
}
