namespace SaePipeline.Activations.Core;

/// <summary>
/// The token stream of core evaluation, resolved from pipeline.yaml's <c>evals.core</c>: what the SAE-independent passes
/// depend on, so it is also the shared-pass cache's identity. Rows are packed in batches of
/// <see cref="BatchSizePrompts"/>; the reconstruction pass reads the first <see cref="NReconstructionBatches"/> batches and
/// the sparsity/variance pass the first <see cref="NSparsityVarianceBatches"/> (SAEBench resets its store between the
/// passes, so they start on the same rows).
/// </summary>
public sealed record CoreStreamSettings
{
    public required int BatchSizePrompts { get; init; }
    public required int NReconstructionBatches { get; init; }
    public required int NSparsityVarianceBatches { get; init; }
    public required int ContextSize { get; init; }

    /// <summary>Seeds the document order.</summary>
    public required long Seed { get; init; }

    public int Batches => Math.Max(NReconstructionBatches, NSparsityVarianceBatches);
}
