using SaePipeline.Activations.Core;
using SaePipeline.Data;

namespace SaePipeline.Evals.Core;

/// <summary>
/// What EvaluateCore reads from its spec. Inputs: <c>sae</c>, <c>model</c>, and with the shared-pass cache
/// <c>reference</c> (the <c>&lt;corpus&gt;-core</c> CacheActivations item); without it the stage runs every pass itself
/// from <see cref="Dataset"/>.
/// </summary>
public sealed record EvaluateCoreParams : IEvalParams
{
    public required EvalSubject Subject { get; init; }

    public required string Hook { get; init; }
    public required CoreStreamSettings Stream { get; init; }
    public required bool ExcludeSpecialTokensFromReconstruction { get; init; }
    public required bool SharedPassCache { get; init; }
    public required DatasetSpec Dataset { get; init; }

    /// <summary>For eval_config: the data set as SAEBench would name it.</summary>
    public required string DatasetName { get; init; }
}
