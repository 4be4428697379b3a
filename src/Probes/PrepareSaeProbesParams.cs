namespace SaePipeline.Probes;

/// <summary>What PrepareSaeProbes reads from its spec; its one input, "activations", is the source's sparse-probing cache.</summary>
public sealed record PrepareSaeProbesParams
{
    /// <summary>The source data set's name in pipeline.yaml.</summary>
    public required string Dataset { get; init; }

    /// <summary>evals.sae_probes' task caps; its ks do not matter here, so editing them leaves this item done.</summary>
    public required SaeProbesTaskLimits Limits { get; init; }
}
