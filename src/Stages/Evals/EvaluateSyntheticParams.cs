using SaePipeline.Config;

namespace SaePipeline.Evals;

/// <summary>What EvaluateSynthetic reads from its spec.</summary>
public sealed record EvaluateSyntheticParams
{
    /// <summary>SAEBench's <c>sae_lens_id</c>.</summary>
    public required string SaeName { get; init; }

    /// <summary>SAEBench's <c>sae_lens_release_id</c>: the experiment name.</summary>
    public required string Release { get; init; }

    public required SyntheticRecoveryConfig Settings { get; init; }
    public required DeviceChoice Device { get; init; }
}
