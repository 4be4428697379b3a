namespace SaePipeline.Activations.Core;

/// <summary>
/// The token stream of core evaluation, resolved from pipeline.yaml's <c>evals.core</c>: what the SAE-independent passes
/// depend on, so it is also the shared-pass cache's identity. Rows are packed in batches of
/// <see cref="BatchSizePrompts"/>. The reconstruction pass reads the first <see cref="NReconstructionBatches"/> batches;
/// the sparsity/variance pass reads the <see cref="NSparsityVarianceBatches"/> batches after them, as SAEBench does: its
/// <c>reset_input_dataset()</c> between the passes does not rewind the iterator its batches come from
/// (docs/saebench.md §1.2). <see cref="ReuseReconstructionRows"/> starts the second pass on the first rows instead.
/// </summary>
public sealed record CoreStreamSettings
{
    public required int BatchSizePrompts { get; init; }
    public required int NReconstructionBatches { get; init; }
    public required int NSparsityVarianceBatches { get; init; }
    public required int ContextSize { get; init; }

    /// <summary>Seeds the document order.</summary>
    public required long Seed { get; init; }

    /// <summary>Our opt-in (not SAEBench's numbers): the sparsity/variance pass starts on the reconstruction rows, so fewer rows are run.</summary>
    public bool ReuseReconstructionRows { get; init; }

    /// <summary>Batches the stream must yield for both passes.</summary>
    public int Batches => ReuseReconstructionRows ? Math.Max(NReconstructionBatches, NSparsityVarianceBatches) : NReconstructionBatches + NSparsityVarianceBatches;

    public bool IsReconstruction(int batch) => batch < NReconstructionBatches;

    public bool IsSparsityVariance(int batch) => ReuseReconstructionRows
        ? batch < NSparsityVarianceBatches
        : batch >= NReconstructionBatches && batch < NReconstructionBatches + NSparsityVarianceBatches;
}
