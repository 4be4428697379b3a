using SaePipeline.Config;

namespace SaePipeline.Sae;

/// <summary>What TrainSae reads from its spec: the SAE (seed resolved) and the width of the activations it reads.</summary>
public sealed record TrainSaeParams
{
    public required SaeConfig Sae { get; init; }
    public required int DIn { get; init; }
    public required DeviceChoice Device { get; init; }

    /// <summary>For an SAE trained elsewhere: the resolved folder or file, and its content fingerprint (so a changed file reruns).</summary>
    public ImportedSae? Import { get; init; }
}

public sealed record ImportedSae(string Path, string ContentFingerprint);
