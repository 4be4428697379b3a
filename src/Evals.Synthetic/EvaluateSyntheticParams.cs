using SaePipeline.Config;

namespace SaePipeline.Evals.Synthetic;

/// <summary>What EvaluateSynthetic reads from its spec. Inputs: <c>sae</c>, and <c>activations</c> (the planted-feature cache).</summary>
public sealed record EvaluateSyntheticParams : IEvalParams
{
    public required EvalSubject Subject { get; init; }

    public required SyntheticRecoveryConfig Settings { get; init; }
}
