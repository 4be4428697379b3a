using SaePipeline.Config;
using SaePipeline.Evals.Core;

namespace SaePipeline.Evals.Causal;

/// <summary>What EvaluateCausal reads from its spec. Inputs: "sae", "model", and "reference" (core's shared passes).</summary>
public sealed record EvaluateCausalParams
{
    public required string SaeName { get; init; }
    public required string Release { get; init; }
    public required string Hook { get; init; }
    public required CoreStreamSettings Stream { get; init; }
    public required CausalEvalConfig Settings { get; init; }
    public required long Seed { get; init; }
    public required string ModelName { get; init; }
    public required DeviceChoice Device { get; init; }
}
