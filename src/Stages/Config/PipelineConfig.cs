namespace SaePipeline.Config;

/// <summary>pipeline.yaml: one experiment. Keys are the snake_case names of these properties.</summary>
public sealed record PipelineConfig
{
    /// <summary>Experiment name; the SAEBench <c>sae_lens_release_id</c> of every evaluation it writes.</summary>
    [Pattern(Names.Regex, Names.Description)]
    public string Name { get; init; } = "experiment";

    /// <summary>Seed for everything random unless a section sets its own <c>seed</c>.</summary>
    [Min(0)]
    public long Seed { get; init; } = 42;

    public DeviceChoice Device { get; init; } = DeviceChoice.Auto;

    /// <summary>A language model (a local HuggingFace checkpoint folder), checked and fingerprinted by PrepareModel.</summary>
    public ModelConfig? Model { get; init; }

    /// <summary>The activation source: planted ground-truth features (sae-anchors §6).</summary>
    public required SyntheticSourceConfig Synthetic { get; init; }

    /// <summary>The SAEs to train. <c>sae_defaults</c> (a mapping with the same keys) fills keys an entry leaves out.</summary>
    [MinCount(1)]
    public required IReadOnlyList<SaeConfig> Saes { get; init; }

    public EvalsConfig Evals { get; init; } = new();
}

public enum DeviceChoice { Auto, Cpu, Cuda }

public sealed record EvalsConfig
{
    public SyntheticRecoveryConfig SyntheticRecovery { get; init; } = new();
}

/// <summary>EvaluateSynthetic: how planted features are matched to decoder directions, on the held-out rows.</summary>
public sealed record SyntheticRecoveryConfig
{
    /// <summary>A true feature counts as recovered when some decoder direction has at least this cosine with it.</summary>
    [Min(0), Max(1)]
    public double RecoveredCosine { get; init; } = 0.9;
}
