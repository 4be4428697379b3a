using System.Text.Json.Serialization;
using SaePipeline.Runtime;

namespace SaePipeline.Evals;

/// <summary>
/// What an evaluation scores and the names SAEBench files it under: the same record in every evaluation's params, so
/// the planner fills it once per SAE and the frame (<see cref="SaeEvaluation"/>) reads it once.
/// </summary>
public sealed record EvalSubject
{
    /// <summary>SAEBench's <c>sae_lens_id</c>: the SAE's name in pipeline.yaml.</summary>
    public required string SaeName { get; init; }

    /// <summary>SAEBench's <c>sae_lens_release_id</c>: the experiment's name.</summary>
    public required string Release { get; init; }

    /// <summary>For eval_config: the model as SAEBench would name it, and its dtype (null on planted features).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ModelName { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LlmDtype { get; init; }

    /// <summary>
    /// The dtype the SAE's encode and decode run in: the model's, as SAEBench casts the SAE to it (docs/saebench.md §0),
    /// unless <c>evals.sae_dtype: float32</c>; float32 without a model.
    /// </summary>
    public string SaeDtype { get; init; } = "float32";

    public required DeviceChoice Device { get; init; }
}

/// <summary>The params of an evaluation of one SAE.</summary>
public interface IEvalParams
{
    EvalSubject Subject { get; }
}
