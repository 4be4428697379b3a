using SaePipeline.Config;

namespace SaePipeline.Evals.Absorption;

/// <summary>What EvaluateAbsorption reads from its spec. Inputs: <c>sae</c>, and <c>absorption</c> (the PrepareAbsorption item).</summary>
public sealed record EvaluateAbsorptionParams : IEvalParams
{
    public required EvalSubject Subject { get; init; }
    public required AbsorptionConfig Settings { get; init; }
    public required IReadOnlyList<long> Seeds { get; init; }
}
