using SaePipeline.Activations.Core;
using SaePipeline.Config;

namespace SaePipeline.Evals.Causal;

/// <summary>What EvaluateCausal reads from its spec. Inputs: <c>sae</c>, <c>model</c>, and <c>reference</c> (core's shared passes).</summary>
public sealed record EvaluateCausalParams : IEvalParams
{
    public required EvalSubject Subject { get; init; }
    public required string Hook { get; init; }
    public required CoreStreamSettings Stream { get; init; }
    public required CausalEvalConfig Settings { get; init; }
    public required long Seed { get; init; }
}
