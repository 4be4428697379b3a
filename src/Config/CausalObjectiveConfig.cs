
namespace SaePipeline.Config;

/// <summary>Which latents a causal step intervenes on: a seeded random subset of those firing in its rows, or the most active there.</summary>
public enum CausalLatentChoice { Random, MostActive }

/// <summary>
/// <c>causal:</c> on an SAE entry, train it with the causal term on top of its architecture's objective
/// (Sae/Objectives/CausalObjective.cs has the loss written out): every <c>every_steps</c> steps, on <c>rows</c> packed
/// rows of the training corpus, intervene on <c>latents</c> latents and penalise those whose normalised causal effect
/// (NCES, as EvaluateCausal defines it) is below <c>target_nces</c>. Needs a model (it runs the layers after the hook).
/// </summary>
public sealed record CausalObjectiveConfig : IValidatedConfig
{
    /// <summary>w, the weight of the term.</summary>
    [Min(0)] public double Weight { get; init; } = 1.0;

    public InterventionKind Intervention { get; init; } = InterventionKind.Zero;

    public CausalLatentChoice Choose { get; init; } = CausalLatentChoice.Random;

    /// <summary>m: latents intervened on per causal step (each costs one copy of the rows through the layers after the hook).</summary>
    [Min(1)] public int Latents { get; init; } = 8;

    /// <summary>Packed corpus rows (of activations.context tokens) per causal step.</summary>
    [Min(1)] public int Rows { get; init; } = 4;

    /// <summary>The term runs on steps that are multiples of this; the others are ordinary steps (and time the overhead).</summary>
    [Min(1)] public int EverySteps { get; init; } = 2;

    /// <summary>τ in nats per unit of activation: a latent's penalty is max(0, 1 − NCES/τ), 1 for an inert latent, 0 from τ on.</summary>
    [GreaterThan(0)] public double TargetNces { get; init; } = 0.01;

    /// <summary>mean: the latent's running mean over training batches, updated with this decay per step.</summary>
    [Min(0), LessThan(1)] public double MeanDecay { get; init; } = 0.99;

    public void Validate(ConfigValidation v) { }
}
