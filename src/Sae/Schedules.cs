namespace SaePipeline.Sae;

/// <summary>dictionary_learning's schedules (docs/sae-training.md §1.1), as multipliers of the configured lr and λ.</summary>
public static class Schedules
{
    /// <summary>
    /// lr multiplier: step/warmup during warmup (0 at step 0), then 1. With resampling the warmup repeats after every
    /// resample, so re-initialised latents start with a gentle lr. With a decay window [start, end) (fractions of the
    /// total steps) the multiplier then falls linearly to 0 at its end and stays there.
    /// </summary>
    public static double LearningRate(long step, int warmupSteps, int? resampleSteps, long totalSteps = 0,
                                      double? decayStartFraction = null, double decayEndFraction = 1.0)
    {
        long t = resampleSteps is { } r ? step % r : step;
        double warm = warmupSteps == 0 ? 1.0 : Math.Min((double)t / warmupSteps, 1.0);
        if (decayStartFraction is not { } startFraction) return warm;
        long start = (long)Math.Floor(startFraction * totalSteps), end = (long)Math.Floor(decayEndFraction * totalSteps);
        if (step < start || end <= start) return warm;
        return warm * Math.Max(0.0, (double)(end - step) / (end - start));
    }

    /// <summary>Sparsity multiplier s(t) = min(step/warmup, 1).</summary>
    public static double Sparsity(long step, int warmupSteps) =>
        warmupSteps == 0 ? 1.0 : Math.Min((double)step / warmupSteps, 1.0);
}
