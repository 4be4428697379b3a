
namespace SaePipeline.Config;

/// <summary>
/// <c>evals.causal:</c> the normalised causal effect score (NCES) of every latent of every SAE (Evals/Causal). It reads
/// core evaluation's shared passes (the rows and the hook's activations), so it needs <c>evals.core</c> with its
/// shared-pass cache. Absent: not run.
/// </summary>
public sealed record CausalEvalConfig : IValidatedConfig
{
    /// <summary>Which interventions to score (zero, mean, random); each gives every latent its own NCES.</summary>
    [MinCount(1)]
    public IReadOnlyList<InterventionKind> Interventions { get; init; } = [InterventionKind.Zero, InterventionKind.Mean, InterventionKind.Random];

    /// <summary>Rows of the core token stream (from its first batch on) on which effects are measured.</summary>
    [Min(1)] public int Rows { get; init; } = 4;

    /// <summary>Batches of the core token stream whose latents give the mean and the resampling pool of each latent.</summary>
    [Min(1)] public int StatisticsBatches { get; init; } = 16;

    /// <summary>An alive latent whose intervention moves the next-token distributions by less than this mean KL (nats) is causally inert.</summary>
    [GreaterThan(0)] public double InertKl { get; init; } = 1e-4;

    /// <summary>Seeds the resampling. Default: the pipeline's seed.</summary>
    [Min(0)] public long? Seed { get; init; }

    public void Validate(ConfigValidation v)
    {
        if (Interventions.Distinct().Count() != Interventions.Count) v.Error("interventions", "an intervention is listed twice", ConfigCodes.DuplicateName);
    }
}
