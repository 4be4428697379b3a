
namespace SaePipeline.Config;

/// <summary>
/// Planted-feature activations (Sharkey et al., "Taking features out of superposition"; docs/sae-training.md §6): n unit-norm
/// directions in d dimensions; each token activates each feature independently (or through a Gaussian copula when
/// correlated) with its own probability and a non-negative magnitude; x = Σ magnitude·direction + noise.
/// </summary>
public sealed record SyntheticSourceConfig : IValidatedConfig
{
    [Min(1)] public int NFeatures { get; init; } = 512;
    [Min(1)] public int DIn { get; init; } = 256;

    /// <summary>Training rows written to part-*.parquet.</summary>
    [Min(1)] public long NTokens { get; init; } = 1_048_576;

    /// <summary>Rows written to heldout-*.parquet, drawn from the same distribution, used only by evaluation.</summary>
    [Min(1)] public long NHeldoutTokens { get; init; } = 65_536;

    public FiringConfig Firing { get; init; } = new();
    public MagnitudeConfig Magnitude { get; init; } = new();

    /// <summary>Standard deviation of isotropic Gaussian noise added to every activation.</summary>
    [Min(0)] public double NoiseStd { get; init; }

    public CorrelationConfig Correlation { get; init; } = new();

    /// <summary>Defaults to the pipeline's seed.</summary>
    [Min(0)] public long? Seed { get; init; }

    /// <summary>Rows per Parquet file; bounds the size of one shard.</summary>
    [Min(1)] public int RowsPerShard { get; init; } = 262_144;

    /// <summary>Rows per Parquet row group: 2–4k rows keep Parquet.Net fast and its memory small (docs/dotnet-stack.md §5).</summary>
    [Min(1), Max(65_536)] public int RowsPerRowGroup { get; init; } = 4096;

    public void Validate(ConfigValidation v)
    {
        if (Firing.MeanActive > NFeatures)
            v.Error("firing", $"mean_active ({Firing.MeanActive}) cannot exceed n_features ({NFeatures})");
        else if (FiringProbabilities.Compute(this) is { } p && p.Max() > 1.0 + 1e-12)
            v.Error("firing", $"with these settings the most frequent feature would fire with probability {p.Max():F3} > 1; lower mean_active or flatten the distribution");
        if (Correlation.GroupSize > NFeatures)
            v.Error("correlation", $"group_size ({Correlation.GroupSize}) cannot exceed n_features ({NFeatures})");
        if (RowsPerRowGroup > RowsPerShard)
            v.Error("rows_per_row_group", $"cannot exceed rows_per_shard ({RowsPerShard})");
    }
}

public enum FiringDistribution { Geometric, Zipf }

/// <summary>
/// Per-feature firing probabilities p_i, scaled so that Σ p_i = mean_active (the expected true L0).
/// geometric: p_i ∝ decay^i (the Sharkey et al. toy data); zipf: p_i ∝ (i+1)^-exponent (SAELens synthetic).
/// </summary>
public sealed record FiringConfig : IValidatedConfig
{
    public FiringDistribution Distribution { get; init; } = FiringDistribution.Geometric;

    /// <summary>Expected number of active features per token.</summary>
    [GreaterThan(0)] public double MeanActive { get; init; } = 5;

    /// <summary>geometric only: ratio between consecutive features' probabilities.</summary>
    [GreaterThan(0), Max(1)] public double Decay { get; init; } = 0.99;

    /// <summary>zipf only: the power-law exponent.</summary>
    [Min(0)] public double Exponent { get; init; } = 1.0;

    public void Validate(ConfigValidation v)
    {
        if (Distribution == FiringDistribution.Geometric && v.Has("exponent"))
            v.Error("exponent", "applies to distribution: zipf only (this one is geometric)", ConfigCodes.Inconsistent);
        if (Distribution == FiringDistribution.Zipf && v.Has("decay"))
            v.Error("decay", "applies to distribution: geometric only (this one is zipf)", ConfigCodes.Inconsistent);
    }
}

public enum MagnitudeDistribution { Uniform, Normal }

/// <summary>
/// Magnitude of an active feature, always ≥ 0. uniform: U(min, max) (Sharkey et al. use U(0, 1));
/// normal: max(0, N(mean, std)) (SAELens synthetic).
/// </summary>
public sealed record MagnitudeConfig : IValidatedConfig
{
    public MagnitudeDistribution Distribution { get; init; } = MagnitudeDistribution.Uniform;
    [Min(0)] public double Min { get; init; }
    [GreaterThan(0)] public double Max { get; init; } = 1.0;
    [GreaterThan(0)] public double Mean { get; init; } = 1.0;
    [Min(0)] public double Std { get; init; } = 0.5;

    public void Validate(ConfigValidation v)
    {
        if (Distribution == MagnitudeDistribution.Uniform)
        {
            if (Min >= Max) v.Error("min", $"must be < max ({Max})", ConfigCodes.Inconsistent);
            foreach (var key in new[] { "mean", "std" })
                if (v.Has(key)) v.Error(key, "applies to distribution: normal only (this one is uniform)", ConfigCodes.Inconsistent);
        }
        else
        {
            foreach (var key in new[] { "min", "max" })
                if (v.Has(key)) v.Error(key, "applies to distribution: uniform only (this one is normal)", ConfigCodes.Inconsistent);
        }
    }
}

/// <summary>
/// Co-occurrence through a Gaussian copula: features are split into consecutive groups of group_size; a feature fires
/// when √s·g_group + √(1−s)·ε_i exceeds Φ⁻¹(1−p_i), so each p_i is kept while features of a group fire together more
/// often as the strength s grows. s = 0 is independent firing.
/// </summary>
public sealed record CorrelationConfig
{
    [Min(0), LessThan(1)] public double Strength { get; init; }
    [Min(1)] public int GroupSize { get; init; } = 8;
}
