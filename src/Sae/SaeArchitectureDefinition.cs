using SaePipeline.Config;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// Everything the pipeline knows of one SAE architecture, declared beside its model in Architectures/ and listed once
/// in <see cref="SaeArchitectures.All"/>: which config keys only it reads, its name in SAELens's cfg.json, how tables
/// name what sets its sparsity, its published optimiser settings, and how it is initialised and trained.
/// </summary>
public sealed class SaeArchitectureDefinition
{
    /// <summary>Its <c>architecture:</c> value in pipeline.yaml.</summary>
    public required SaeArchitecture Id { get; init; }

    /// <summary>SAELens's <c>architecture</c> in cfg.json: standard, topk, jumprelu or gated.</summary>
    public required string SaeLensName { get; init; }

    /// <summary>The architecture-specific keys it reads; written in an entry of another architecture, they are refused.</summary>
    public required IReadOnlyList<string> Keys { get; init; }

    /// <summary>What sets its sparsity, for logs and tables: "l1 0.1", "k 32", "target L0 20".</summary>
    public required Func<SaeConfig, string> Sparsity { get; init; }

    /// <summary>Adam's β1 when adam_beta1 is not set (the architecture's published value).</summary>
    public double AdamBeta1 { get; init; } = 0.9;

    /// <summary>The global gradient-norm clip when max_grad_norm is not set; null: no clipping.</summary>
    public double? MaxGradNorm { get; init; }

    /// <summary>Whether training keeps decoder rows at unit norm (projected gradient, renormalised rows).</summary>
    public bool ConstrainedDecoder { get; init; } = true;

    /// <summary>Its initialisation, as dictionary_learning writes it.</summary>
    public required Func<SaeConfig, int, Generator, Device, SparseAutoencoder> Initialize { get; init; }

    /// <summary>Its training objective (Objectives/, one file per loss).</summary>
    public required Func<SaeConfig, SparseAutoencoder, SaeObjective> Objective { get; init; }

    /// <summary>Rules of its own beyond which keys apply (k given and at most d_sae, a threshold estimated in time, …).</summary>
    public Action<SaeConfig, ConfigValidation>? Validate { get; init; }

    public string Name => Runtime.Json.ToNode(Id).GetValue<string>();

    /// <summary>The SAE as the model type its objective trains, or an error naming both.</summary>
    public static T As<T>(SparseAutoencoder sae, SaeArchitecture id) where T : SparseAutoencoder =>
        sae as T ?? throw new ArgumentException($"no objective trains a {sae.GetType().Name} as {Runtime.Json.ToNode(id).GetValue<string>()}");
}
