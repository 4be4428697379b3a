using SaePipeline.Config;
using SaePipeline.Runtime;

namespace SaePipeline.Evals.Absorption;

/// <summary>What PrepareAbsorption reads from its spec; its one input is the model.</summary>
public sealed record PrepareAbsorptionParams
{
    public required AbsorptionConfig Settings { get; init; }

    /// <summary>The hook point the SAEs read (TransformerLens name).</summary>
    public required string Hook { get; init; }

    /// <summary>One vocabulary split, prompt set and letter probe per seed.</summary>
    public required IReadOnlyList<long> Seeds { get; init; }

    public required DeviceChoice Device { get; init; }
}
