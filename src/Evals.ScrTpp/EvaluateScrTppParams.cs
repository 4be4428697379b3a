using SaePipeline.Runtime;

namespace SaePipeline.Evals.ScrTpp;

/// <summary>
/// What EvaluateScr and EvaluateTpp read from their spec. Inputs: <c>sae</c>, and per data set <c>probes/&lt;name&gt;</c> (its
/// TrainProbes item) and <c>activations/&lt;name&gt;</c> (the labelled cache those probes were trained on).
/// </summary>
public sealed record EvaluateScrTppParams : IEvalParams
{
    public required EvalSubject Subject { get; init; }

    /// <summary>Data set names, in pipeline.yaml order (the order of the JSON's details).</summary>
    public required IReadOnlyList<string> Datasets { get; init; }

    public required IReadOnlyList<int> NValues { get; init; }
    public required bool PaddingLeak { get; init; }

    /// <summary>For eval_config: the model's forward batch (SAEBench's llm_batch_size).</summary>
    public required int LlmBatchSize { get; init; }
}
