namespace SaePipeline.Config;

/// <summary>
/// <c>precision_adversarial:</c> on an SAE entry, train it with the precision-targeted adversarial terms on top of its
/// architecture's objective (Sae/Objectives/PrecisionAdversarialObjective.cs has the loss written out). The frozen
/// probes are an SCR pair's gender (spurious) and profession (target) probes, so <c>dataset</c> must be one of
/// <c>evals.scr.datasets</c>: the SAE trains on the texts of that pair's SCR cache beside the activation stream.
/// The constants default to the proposal's.
/// </summary>
public sealed record PrecisionAdversarialConfig : IValidatedConfig
{
    /// <summary>The SCR data set whose cached texts and probes are used (one of evals.scr.datasets).</summary>
    [Pattern(Names.Regex, Names.Description)]
    public string Dataset { get; init; } = "bias_in_bios";

    /// <summary>The SCR pair, by SAEBench's run suffix ("professor_nurse"); null: the data set's first pair that was not skipped.</summary>
    public string? Pair { get; init; }

    /// <summary>Which seed's probes stay frozen (a seed of evals.seeds); null: the first of evals.seeds.</summary>
    [Min(0)] public long? ProbeSeed { get; init; }

    /// <summary>N: the SAE's current top-N gender latents are zeroed in the adversarial term (SCR@N scores the same ablation).</summary>
    [Min(1)] public int AblatedLatents { get; init; } = 20;

    /// <summary>K: every K steps the top-N latents are chosen again (on the pair's train texts) and λ measured again (on its test texts).</summary>
    [Min(1)] public int LambdaEverySteps { get; init; } = 50;

    /// <summary>Labelled texts drawn per step (a seeded sample of the pair's train texts), all of whose real tokens are encoded.</summary>
    [Min(2)] public int TextsPerStep { get; init; } = 32;

    /// <summary>The preservation loss counts a text only while the profession probe gives its true class a probability below this.</summary>
    [GreaterThan(0), Max(1)] public double ConfidenceThreshold { get; init; } = 0.8;

    /// <summary>a in λ(t) = clamp(a·(A_gender − 1[A_prof &lt; τ]·A_prof), 0, λ_max).</summary>
    [Min(0)] public double LambdaScale { get; init; } = 0.2;

    /// <summary>λ_max.</summary>
    [Min(0)] public double LambdaMax { get; init; } = 0.3;

    /// <summary>τ: below this profession accuracy the pressure eases by A_prof.</summary>
    [Min(0), Max(1)] public double ProfessionFloor { get; init; } = 0.8;

    /// <summary>μ, the weight of the masked preservation loss.</summary>
    [Min(0)] public double PreservationWeight { get; init; } = 1.0;

    public void Validate(ConfigValidation v) { }
}
