using SaePipeline.Config;

namespace SaePipeline.Activations;

public enum ActivationSource { Synthetic }

/// <summary>What CacheActivations reads from its spec.</summary>
public sealed record CacheActivationsParams
{
    public required ActivationSource Source { get; init; }

    /// <summary>The planted-feature source, with its seed resolved.</summary>
    public required SyntheticSourceConfig Synthetic { get; init; }
}
