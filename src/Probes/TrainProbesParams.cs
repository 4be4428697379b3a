using SaePipeline.Config;

namespace SaePipeline.Probes;

/// <summary>What TrainProbes reads from its spec; its one input, "activations", is the labelled cache made for the task.</summary>
public sealed record TrainProbesParams
{
    /// <summary>"scr", "tpp" or "sparse_probing".</summary>
    public required string Task { get; init; }

    /// <summary>The data set's name in pipeline.yaml.</summary>
    public required string Dataset { get; init; }

    public required ProbeSettings Settings { get; init; }

    /// <summary>One set of probes per seed.</summary>
    public required IReadOnlyList<long> Seeds { get; init; }

    /// <summary>Sparse probing: the dimensions of the top-k probes.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<int>? KValues { get; init; }
}
