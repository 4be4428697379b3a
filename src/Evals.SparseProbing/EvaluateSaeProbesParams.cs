using SaePipeline.Config;

namespace SaePipeline.Evals.SparseProbing;

/// <summary>What EvaluateSaeProbes reads from its spec. Inputs: <c>sae</c> and, per source data set, <c>activations/&lt;source&gt;</c> and <c>sae_probes/&lt;source&gt;</c>.</summary>
public sealed record EvaluateSaeProbesParams : IEvalParams
{
    public required EvalSubject Subject { get; init; }

    /// <summary>The source data sets and the sparse-probing data sets (subset ids) whose classes become tasks.</summary>
    public required IReadOnlyList<string> Sources { get; init; }
    public required IReadOnlyList<string> Datasets { get; init; }

    public required SaeProbesConfig Settings { get; init; }
}
