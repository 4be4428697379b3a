using SaePipeline.Config;

namespace SaePipeline.Evals.SparseProbing;

/// <summary>
/// What EvaluateSparseProbing reads from its spec. Inputs: "sae", and per source data set "activations/&lt;source&gt;"
/// (its sparse-probing labelled cache) and "probes/&lt;source&gt;" (its TrainProbes item, the language model's results).
/// </summary>
public sealed record EvaluateSparseProbingParams
{
    public required string SaeName { get; init; }
    public required string Release { get; init; }

    /// <summary>The source data sets, and the sparse-probing data sets (subset ids) in pipeline.yaml order.</summary>
    public required IReadOnlyList<string> Sources { get; init; }
    public required IReadOnlyList<string> Datasets { get; init; }

    public required IReadOnlyList<int> KValues { get; init; }
    public required ProbeSettings Settings { get; init; }

    /// <summary>For eval_config.</summary>
    public required string ModelName { get; init; }
    public required string LlmDtype { get; init; }
    public required int LlmBatchSize { get; init; }
    public required int ContextLength { get; init; }

    public required DeviceChoice Device { get; init; }
}
