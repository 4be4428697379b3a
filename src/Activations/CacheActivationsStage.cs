using SaePipeline.Artifacts;

namespace SaePipeline.Activations;

/// <summary>CacheActivations: planted features (<see cref="SyntheticCache"/>) or a model's activations on text (<see cref="ModelCache"/>).</summary>
public static class CacheActivationsStage
{
    /// <summary>
    /// Split names: "train" (part-*.parquet) and "heldout" (heldout-*.parquet) for SAE training data; labelled data
    /// sets have "train" and "test" (test-*.parquet), as their source files do.
    /// </summary>
    public const string TrainSplit = "train", HeldoutSplit = "heldout", TestSplit = "test";

    public static void Run(StageContext context)
    {
        var p = context.Params<CacheActivationsParams>();
        if (p.Source == ActivationSource.Synthetic) SyntheticCache.Run(context, p);
        else if (p.Source == ActivationSource.CoreReference) Core.CoreReferenceCache.Run(context, p);
        else ModelCache.Run(context, p);
    }
}
