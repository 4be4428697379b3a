namespace SaePipeline.Config;

/// <summary>
/// <c>evals.core:</c> SAEBench's core evaluation (docs/saebench.md §1): loss recovered, KL, reconstruction quality,
/// shrinkage, sparsity and per-latent statistics, on packed rows of the corpus. Absent: not run. Counts left out take
/// SAEBench's standard run (16 prompts × 200 reconstruction batches, × 2000 sparsity batches) for a checkpoint folder,
/// and a size a 2-core machine runs in seconds for the built-in model (16 × 16, × 128).
/// </summary>
public sealed record CoreEvalConfig : IValidatedConfig
{
    /// <summary>SAEBench's standard values, which a checkpoint folder gets by default.</summary>
    public const int SaeBenchReconstructionBatches = 200, SaeBenchSparsityVarianceBatches = 2000;

    /// <summary>What the built-in model gets by default: 32,768 tokens for loss recovered, 262,144 for sparsity.</summary>
    public const int BuiltinReconstructionBatches = 16, BuiltinSparsityVarianceBatches = 128;

    /// <summary>Rows of <c>context_size</c> tokens per forward pass (SAEBench's batch_size_prompts).</summary>
    [Min(1)] public int BatchSizePrompts { get; init; } = 16;

    /// <summary>Batches of the loss-recovered / KL pass (SAEBench's n_eval_reconstruction_batches).</summary>
    [Min(1)] public int? NEvalReconstructionBatches { get; init; }

    /// <summary>Batches of the sparsity / variance pass: the batches after the reconstruction pass's, as in SAEBench (docs/saebench.md §1.2).</summary>
    [Min(1)] public int? NEvalSparsityVarianceBatches { get; init; }

    /// <summary>
    /// Start the sparsity / variance pass on the reconstruction pass's rows instead of the rows after them. Our opt-in, off
    /// by default: it runs max(r, s) batches instead of r + s, but its numbers are not SAEBench's (whose store resets
    /// without rewinding).
    /// </summary>
    public bool ReuseReconstructionRows { get; init; }

    /// <summary>The text data set the rows are packed from (a name under datasets:, or built-in). Default: activations.corpus.</summary>
    public string? Dataset { get; init; }

    /// <summary>Tokens per row, BOS first. Default: activations.context.</summary>
    [Min(2)] public int? ContextSize { get; init; }

    /// <summary>
    /// Keep the original activation at BOS/EOS/PAD positions when splicing in the reconstruction (SAEBench's standard
    /// runs: true). Those positions are left out of every statistic either way.
    /// </summary>
    public bool ExcludeSpecialTokensFromReconstruction { get; init; } = true;

    /// <summary>Seeds the order in which documents are packed into rows (SAEBench shuffles with seed 42). Default: the pipeline's seed.</summary>
    [Min(0)] public long? Seed { get; init; }

    /// <summary>
    /// Compute the SAE-independent passes (the clean forward, the zero-ablation forward, the activations at the hook)
    /// once per (model, hook, data set, settings) and reuse them for every SAE. False runs every pass per SAE as
    /// SAEBench does; the JSON is the same, only slower.
    /// </summary>
    public bool SharedPassCache { get; init; } = true;

    public void Validate(ConfigValidation v)
    {
        if (NEvalSparsityVarianceBatches is int s && NEvalReconstructionBatches is int r && s < r)
            v.Warn("n_eval_sparsity_variance_batches", $"{s} sparsity batches are fewer than the {r} reconstruction batches (SAEBench: 2000 vs 200)");
    }
}
