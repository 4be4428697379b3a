using SaePipeline.Config;

namespace SaePipeline.Evals.SparseProbing;

/// <summary>
/// What EvaluateSparseProbing reads from its spec. Inputs: <c>sae</c>, and per source data set <c>activations/&lt;source&gt;</c>
/// (its sparse-probing labelled cache) and <c>probes/&lt;source&gt;</c> (its TrainProbes item, the language model's results).
/// </summary>
public sealed record EvaluateSparseProbingParams : IEvalParams
{
    public required EvalSubject Subject { get; init; }

    /// <summary>The source data sets, and the sparse-probing data sets (subset ids) in pipeline.yaml order.</summary>
    public required IReadOnlyList<string> Sources { get; init; }
    public required IReadOnlyList<string> Datasets { get; init; }

    public required IReadOnlyList<int> KValues { get; init; }
    public required ProbeSettings Settings { get; init; }

    /// <summary>For eval_config: the model's forward batch and context length.</summary>
    public required int LlmBatchSize { get; init; }
    public required int ContextLength { get; init; }
}
