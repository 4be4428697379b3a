namespace SaePipeline.Sae;

/// <summary>dictionary_learning's schedules (sae-anchors §1.1), as multipliers of the configured lr and λ.</summary>
public static class Schedules
{
    /// <summary>
    /// lr multiplier: step/warmup during warmup (0 at step 0), then 1. With resampling the warmup repeats after every
    /// resample, so re-initialised latents start with a gentle lr.
    /// </summary>
    public static double LearningRate(long step, int warmupSteps, int? resampleSteps)
    {
        long t = resampleSteps is { } r ? step % r : step;
        return warmupSteps == 0 ? 1.0 : Math.Min((double)t / warmupSteps, 1.0);
    }

    /// <summary>Sparsity multiplier s(t) = min(step/warmup, 1).</summary>
    public static double Sparsity(long step, int warmupSteps) =>
        warmupSteps == 0 ? 1.0 : Math.Min((double)step / warmupSteps, 1.0);
}
