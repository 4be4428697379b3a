namespace SaePipeline.Config;

public enum SaeArchitecture { Relu }

/// <summary>
/// One SAE to train. ReLU with an L1 penalty follows dictionary_learning's StandardTrainer (sae-anchors §1.1–1.3):
/// loss = mean_batch Σ_d (x − x̂)² + λ·s(t)·mean_batch Σ_i f_i, unit-norm decoder rows kept by the constrained-Adam
/// projection and renormalisation, lr multiplier min(t/warmup, 1), sparsity multiplier s(t) = min(t/warmup, 1).
/// </summary>
public sealed record SaeConfig : IValidatedConfig
{
    [Pattern(Names.Regex, Names.Description)]
    public required string Name { get; init; }

    public SaeArchitecture Architecture { get; init; } = SaeArchitecture.Relu;

    /// <summary>Number of latents.</summary>
    [Min(1)] public required int DSae { get; init; }

    /// <summary>λ of the L1 term, in the sum-over-d loss convention (lr and λ do not transfer to normalised-MSE code).</summary>
    [Min(0)] public double L1Coefficient { get; init; } = 0.1;

    [GreaterThan(0)] public double Lr { get; init; } = 1e-3;

    /// <summary>Activation rows per optimizer step.</summary>
    [Min(1)] public int BatchSize { get; init; } = 4096;

    /// <summary>Rows to train on; steps = training_tokens / batch_size. More than the cache holds means several epochs.</summary>
    [Min(1)] public long TrainingTokens { get; init; } = 2_097_152;

    [Min(0)] public int LrWarmupSteps { get; init; } = 1000;
    [Min(0)] public int SparsityWarmupSteps { get; init; } = 2000;

    /// <summary>Resample dead latents every this many steps (dictionary_learning's scheme); null turns it off.</summary>
    [Min(2)] public int? ResampleSteps { get; init; }

    [Min(0), LessThan(1)] public double AdamBeta1 { get; init; } = 0.9;
    [Min(0), LessThan(1)] public double AdamBeta2 { get; init; } = 0.999;

    /// <summary>A latent counts as dead in the training log when it has not fired for this many steps.</summary>
    [Min(1)] public int DeadWindowSteps { get; init; } = 1000;

    /// <summary>Rows held by the shuffling reader; larger mixes better across shards and costs 4·d bytes a row.</summary>
    [Min(1)] public int ShuffleBufferRows { get; init; } = 65_536;

    [Min(1)] public int LogEverySteps { get; init; } = 50;

    /// <summary>Defaults to the pipeline's seed.</summary>
    [Min(0)] public long? Seed { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public long Steps => TrainingTokens / BatchSize;

    public void Validate(ConfigValidation v)
    {
        if (TrainingTokens < BatchSize)
            v.Error("training_tokens", $"must be at least batch_size ({BatchSize}) to make one step", ConfigCodes.Inconsistent);
        else if (LrWarmupSteps >= Steps)
            v.Warn("lr_warmup_steps", $"warmup ({LrWarmupSteps} steps) is not shorter than training ({Steps} steps); the lr never reaches its value");
    }
}
