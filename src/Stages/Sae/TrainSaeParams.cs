using SaePipeline.Config;

namespace SaePipeline.Sae;

/// <summary>What TrainSae reads from its spec: the SAE (seed resolved) and the width of the activations it reads.</summary>
public sealed record TrainSaeParams
{
    public required SaeConfig Sae { get; init; }
    public required int DIn { get; init; }
    public required DeviceChoice Device { get; init; }
}
