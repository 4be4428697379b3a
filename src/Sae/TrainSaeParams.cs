using SaePipeline.Config;
using SaePipeline.Runtime;

namespace SaePipeline.Sae;

/// <summary>What TrainSae reads from its spec: the SAE (seed resolved) and the width of the activations it reads.</summary>
public sealed record TrainSaeParams
{
    public required SaeConfig Sae { get; init; }
    public required int DIn { get; init; }
    public required DeviceChoice Device { get; init; }

    /// <summary>precision_adversarial: the seed whose frozen SCR probes are used (resolved from evals.seeds).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public long? ProbeSeed { get; init; }

    /// <summary>causal: where the term's token rows come from and where the SAE sits in the model.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public CausalRowSource? CausalRows { get; init; }

    /// <summary>For an SAE trained elsewhere: the resolved folder or file, and its content fingerprint (so a changed file reruns).</summary>
    public ImportedSae? Import { get; init; }
}

public sealed record ImportedSae([property: Runtime.LocalPath] string Path, string ContentFingerprint);

/// <summary>The causal objective's rows: the training corpus packed at the cache's context, and the SAE's hook point.</summary>
public sealed record CausalRowSource(Data.DatasetSpec Dataset, int Context, string Hook);
