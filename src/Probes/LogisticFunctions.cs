namespace SaePipeline.Probes;

/// <summary>The logistic function and its relatives in float64, without overflow or cancellation.</summary>
internal static class LogisticFunctions
{
    /// <summary>log(1 + eᵗ) without overflow for large t or loss of the tail for very negative t.</summary>
    public static double Softplus(double t) => t > 0 ? t + LogOnePlus(Math.Exp(-t)) : LogOnePlus(Math.Exp(t));

    /// <summary>log(1 + u) accurate for small u (.NET has no Math.Log1P).</summary>
    public static double LogOnePlus(double u)
    {
        double v = 1 + u;
        return v == 1 ? u : Math.Log(v) * u / (v - 1);
    }

    public static double Sigmoid(double z)
    {
        if (z >= 0) return 1 / (1 + Math.Exp(-z));
        double e = Math.Exp(z);
        return e / (1 + e);
    }

    /// <summary>σ(z)(1 − σ(z)) = e^{−|z|} / (1 + e^{−|z|})², with no cancellation in 1 − σ.</summary>
    public static double SigmoidTimesComplement(double z)
    {
        double e = Math.Exp(-Math.Abs(z));
        double q = 1 + e;
        return e / (q * q);
    }
}
