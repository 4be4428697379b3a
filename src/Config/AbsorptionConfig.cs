namespace SaePipeline.Config;

/// <summary>
/// <c>evals.absorption:</c> SAEBench's first-letter feature absorption (Chanin et al. 2024, "A is for Absorption";
/// SAEBench's <c>absorption_first_letter</c>, with Demian Till's absorption fraction). Every single-token word of the
/// model's vocabulary becomes an in-context prompt "{word} has the first letter:"; a 26-way linear probe on the
/// hook's activation at the word learns its first letter (the ground truth). Per SAE, k-sparse probes find each
/// letter's main latents (feature splitting when adding a latent raises F1 by more than f1_jump_threshold), and on
/// the test words the probe sees but the main latents miss, the absorption fraction and full absorption measure how
/// much of the letter direction other latents carry. The prompts, their activations and the letter probes are
/// SAE-independent: PrepareAbsorption makes them once per seed for every SAE. Absent: not run. Repeated over
/// <c>evals.seeds</c> (a seed draws the vocabulary split, the prompts' examples and every probe's initialisation and
/// minibatches; upstream's random_seed is never applied, so its runs drift).
/// </summary>
public sealed record AbsorptionConfig : IValidatedConfig
{
    /// <summary>SAEBench's prompt; <c>{word}</c> is replaced by the word, and the activation is read at the word's last token.</summary>
    public string PromptTemplate { get; init; } = "{word} has the first letter:";

    /// <summary>In-context examples before the word, drawn from the same split (SAEBench: 10).</summary>
    [Min(0)] public int IclExamples { get; init; } = 10;

    /// <summary>Share of the vocabulary the letter probe is trained on; the rest is its test set and the absorption words.</summary>
    [GreaterThan(0), LessThan(1)] public double TrainFraction { get; init; } = 0.8;

    /// <summary>Prompts per forward pass (SAEBench's llm_batch_size); speed and memory only.</summary>
    [Min(1)] public int LlmBatchSize { get; init; } = 64;

    /// <summary>The letter probe: SAEBench's multi-probe (Adam, BCE with per-letter positive weights, exponential decay to 1e-5).</summary>
    [Min(1)] public int ProbeEpochs { get; init; } = 50;
    [Min(1)] public int ProbeBatchSize { get; init; } = 64;
    [GreaterThan(0)] public double ProbeLr { get; init; } = 1e-2;
    [Min(0)] public double ProbeWeightDecay { get; init; } = 1e-4;

    /// <summary>Largest k of the k-sparse probes (SAEBench's max_k_value).</summary>
    [Min(1)] public int MaxKValue { get; init; } = 10;

    /// <summary>A letter's main latents grow from k to k + 1 while F1 rises by more than this (SAEBench: 0.03).</summary>
    [Min(0)] public double F1JumpThreshold { get; init; } = 0.03;

    /// <summary>The L1-penalised probe on the SAE's latents that ranks them for the k-sparse probes.</summary>
    [Min(0)] public double KSparseProbeL1Decay { get; init; } = 0.01;
    [Min(1)] public int KSparseProbeBatchSize { get; init; } = 4096;
    [Min(1)] public int KSparseProbeNumEpochs { get; init; } = 50;

    /// <summary>Letters whose probe F1 on the test words is at most this are not scored (SAEBench's min_GT_probe_f1).</summary>
    [Min(0), Max(1)] public double MinGtProbeF1 { get; init; } = 0.6;

    /// <summary>Fewer letters than this above min_gt_probe_f1 and the model has too little first-letter knowledge to score (SAEBench: 20).</summary>
    [Min(1), Max(26)] public int MinFeatsForEval { get; init; } = 20;

    /// <summary>Full absorption: the top latent's decoder cosine with the probe must reach this (SAEBench: 0.025).</summary>
    public double FullAbsorptionProbeCosSimThreshold { get; init; } = 0.025;

    /// <summary>Absorption fraction: a latent counts as absorbing only with at least this decoder cosine (SAEBench: 0.1).</summary>
    public double AbsorptionFractionProbeCosSimThreshold { get; init; } = 0.1;

    /// <summary>Both: the absorbing latents must carry at least this share of the activation's probe projection (SAEBench: 0.4).</summary>
    [Min(0)] public double ProbeProjectionProportionThreshold { get; init; } = 0.4;

    /// <summary>Absorption fraction: at most this many latents absorb together (SAEBench: 3).</summary>
    [Min(1)] public int AbsorptionFractionMaxAbsorbingLatents { get; init; } = 3;

    /// <summary>Latents per word reported by their probe projection (SAEBench's topk_feats).</summary>
    [Min(1)] public int TopkFeats { get; init; } = 10;

    public void Validate(ConfigValidation v)
    {
        int at = PromptTemplate.IndexOf("{word}", StringComparison.Ordinal);
        if (at < 0 || PromptTemplate.IndexOf("{word}", at + 1, StringComparison.Ordinal) >= 0)
            v.Error("prompt_template", $"must contain {{word}} exactly once, got \"{PromptTemplate}\"");
    }
}
