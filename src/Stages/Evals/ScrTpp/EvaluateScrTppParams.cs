using SaePipeline.Config;

namespace SaePipeline.Evals.ScrTpp;

/// <summary>
/// What EvaluateScr and EvaluateTpp read from their spec. Inputs: "sae", and per data set "probes/&lt;name&gt;" (its
/// TrainProbes item) and "activations/&lt;name&gt;" (the labelled cache those probes were trained on).
/// </summary>
public sealed record EvaluateScrTppParams
{
    /// <summary>SAEBench's <c>sae_lens_id</c> and <c>sae_lens_release_id</c>: the SAE's name and the experiment's.</summary>
    public required string SaeName { get; init; }
    public required string Release { get; init; }

    /// <summary>Data set names, in pipeline.yaml order (the order of the JSON's details).</summary>
    public required IReadOnlyList<string> Datasets { get; init; }

    public required IReadOnlyList<int> NValues { get; init; }
    public required bool PaddingLeak { get; init; }

    /// <summary>For eval_config: the model as pipeline.yaml names it, its dtype and forward batch (SAEBench's llm_batch_size).</summary>
    public required string ModelName { get; init; }
    public required string LlmDtype { get; init; }
    public required int LlmBatchSize { get; init; }

    public required DeviceChoice Device { get; init; }
}
