using SaePipeline.Config;
using SaePipeline.Data;

namespace SaePipeline.Evals.Core;

/// <summary>
/// What EvaluateCore reads from its spec. Inputs: "sae", "model", and with the shared-pass cache "reference" (the
/// <c>&lt;corpus&gt;-core</c> CacheActivations item); without it the stage runs every pass itself from <see cref="Dataset"/>.
/// </summary>
public sealed record EvaluateCoreParams
{
    /// <summary>SAEBench's <c>sae_lens_id</c> and <c>sae_lens_release_id</c>: the SAE's name and the experiment's.</summary>
    public required string SaeName { get; init; }
    public required string Release { get; init; }

    public required string Hook { get; init; }
    public required CoreStreamSettings Stream { get; init; }
    public required bool ExcludeSpecialTokensFromReconstruction { get; init; }
    public required bool SharedPassCache { get; init; }
    public required DatasetSpec Dataset { get; init; }

    /// <summary>For eval_config: the model and data set as SAEBench would name them, and the model's dtype.</summary>
    public required string ModelName { get; init; }
    public required string DatasetName { get; init; }
    public required string LlmDtype { get; init; }

    public required DeviceChoice Device { get; init; }
}
