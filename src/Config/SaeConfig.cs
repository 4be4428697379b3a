namespace SaePipeline.Config;

/// <summary>
/// The SAE architectures and their training objectives (docs/sae-training.md §1.2, §2.5, §4; one file each under Sae/):
/// <list type="bullet">
/// <item><c>relu</c>: dictionary_learning's StandardTrainer ("Towards Monosemanticity"): ReLU, L1 penalty, unit-norm decoder.</item>
/// <item><c>april_update</c>: Anthropic's April 2024 update: ReLU, L1 weighted by decoder norms, unconstrained decoder.</item>
/// <item><c>topk</c>: Gao et al.: the k largest pre-activations per token, AuxK loss on dead latents.</item>
/// <item><c>batch_topk</c>: Bussmann et al.: the k·B largest over the batch; a single learned threshold at inference.</item>
/// <item><c>jumprelu</c>: Rajamanoharan et al.: per-latent thresholds trained with a straight-through estimator, L0 penalty.</item>
/// <item><c>gated</c>: Rajamanoharan et al.: separate gate and magnitude paths, L1 on the gate, auxiliary loss.</item>
/// <item><c>matryoshka_batch_topk</c>: Bussmann et al. (2025): BatchTopK whose nested prefixes of latents must each reconstruct x.</item>
/// <item><c>p_anneal</c>: dictionary_learning's PAnnealTrainer: relu's SAE with its L1 annealed toward an Lp^p penalty, p &lt; 1.</item>
/// </list>
/// </summary>
public enum SaeArchitecture { Relu, AprilUpdate, Topk, BatchTopk, Jumprelu, Gated, MatryoshkaBatchTopk, PAnneal }

/// <summary>
/// The reconstruction term. <c>sum_squared</c>: mean over the batch of Σ_d (x − x̂)² (dictionary_learning, SAELens).
/// <c>normalized_mse</c>: Σ‖x − x̂‖² / Σ‖x − x̄‖² over the batch, the batch's fraction of variance unexplained (OpenAI,
/// sparsify). The two differ by a factor of about the batch's total variance, so lr and sparsity coefficients tuned
/// for one do not transfer to the other.
/// </summary>
public enum ReconstructionLossKind { SumSquared, NormalizedMse }

/// <summary>
/// Input scaling during training. <c>expected_average_only_in</c> (SAELens's name; Anthropic's April update): inputs
/// are multiplied by s = √d_in / E‖x‖, estimated before training, so E‖x‖ = √d_in whatever the model's scale. The
/// saved SAE takes raw activations: s is folded into its biases and thresholds (dictionary_learning's scale_biases).
/// </summary>
public enum ActivationNormalization { None, ExpectedAverageOnlyIn }

/// <summary>Precision of the SAE's matmuls while training; weights, Adam state and every other op stay float32.</summary>
public enum MatmulDtype { Float32, Bfloat16 }

/// <summary>
/// One SAE: trained on the pipeline's activation cache, or, with <c>path</c>, an SAE trained elsewhere, read from a
/// SAELens folder or a Gemma Scope params.npz and evaluated like the others. Keys that do not apply to the chosen
/// architecture are refused, so a sweep cannot silently vary a key that does nothing.
/// </summary>
public sealed record SaeConfig : IValidatedConfig
{
    [Pattern(Names.Regex, Names.Description)]
    public required string Name { get; init; }

    public SaeArchitecture Architecture { get; init; } = SaeArchitecture.Relu;

    /// <summary>Number of latents. Not needed (and read from the files) for an imported SAE.</summary>
    [Min(1)] public int DSae { get; init; }

    // ---- sparsity, per architecture ----

    /// <summary>
    /// λ of the L1 term (relu, april_update, gated), in the sum_squared convention unless stated otherwise. p_anneal: the
    /// initial α of its Lp^p term, rescaled at each jump of p so the penalty keeps its magnitude.
    /// </summary>
    [Min(0)] public double L1Coefficient { get; init; } = 0.1;

    /// <summary>Active latents per token (topk), or on average per token over the batch (batch_topk, matryoshka_batch_topk).</summary>
    [Min(1)] public int? K { get; init; }

    /// <summary>jumprelu: the coefficient of the L0 term; with target_l0, of (L0/target_l0 − 1)² instead.</summary>
    [Min(0)] public double L0Coefficient { get; init; } = 1.0;

    /// <summary>
    /// jumprelu: when set, the penalty is l0_coefficient·(L0/target_l0 − 1)² (dictionary_learning's JumpReluTrainer,
    /// which steers to a chosen L0); when null, l0_coefficient·L0 (the paper's penalty).
    /// </summary>
    [GreaterThan(0)] public double? TargetL0 { get; init; }

    /// <summary>jumprelu: width ε of the rectangle kernel of the straight-through estimator.</summary>
    [GreaterThan(0)] public double JumpreluBandwidth { get; init; } = 0.001;

    /// <summary>jumprelu: initial threshold of every latent.</summary>
    [GreaterThan(0)] public double JumpreluInitThreshold { get; init; } = 0.001;

    /// <summary>topk, batch_topk, matryoshka_batch_topk: latents the AuxK term may use per token; null = d_in / 2 (Gao et al.'s heuristic).</summary>
    [Min(1)] public int? AuxK { get; init; }

    /// <summary>topk, batch_topk, matryoshka_batch_topk: weight α of the AuxK term (Gao et al.: 1/32).</summary>
    [Min(0)] public double AuxkCoefficient { get; init; } = 1.0 / 32;

    /// <summary>batch_topk, matryoshka_batch_topk: the inference threshold is an average of the batch's smallest kept activation from this step on.</summary>
    [Min(0)] public int ThresholdStartStep { get; init; } = 1000;

    /// <summary>batch_topk, matryoshka_batch_topk: the threshold average's decay per step, θ ← β·θ + (1 − β)·min kept activation.</summary>
    [Min(0), LessThan(1)] public double ThresholdDecay { get; init; } = 0.999;

    // The keys below are left out of the params when null (their default), so the fingerprints and training metadata of
    // SAEs of the other architectures are those they had before these keys existed.

    /// <summary>
    /// matryoshka_batch_topk: the nested groups of latents as fractions of d_sae, innermost first, summing to 1. Group g
    /// gets ⌊f_g·d_sae⌋ latents and the last group the remainder (dictionary_learning's rule); prefix g is groups 1…g.
    /// null: [1/32, 1/16, 1/8, 1/4, 1/2 + 1/32], the fractions of SAEBench's training suite.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    [MinCount(1)] public IReadOnlyList<double>? GroupFractions { get; init; }

    /// <summary>
    /// matryoshka_batch_topk: the weight w_g of each prefix's reconstruction term, one per group, each &gt; 0. null: 1/G
    /// each, so the loss is the prefixes' mean reconstruction error and keeps BatchTopK's scale.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    [MinCount(1)] public IReadOnlyList<double>? GroupWeights { get; init; }

    /// <summary>p_anneal: the exponent p of the Lp^p penalty once annealing ends, in (0, 1]. null: 0.2 (SAEBench's suite).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    [GreaterThan(0), Max(1)] public double? PEnd { get; init; }

    /// <summary>
    /// p_anneal: the step of the first jump of p below 1 (p = 1, the relu objective, before it). null: half the training
    /// steps (dictionary_learning's default is step 15000 and SAEBench's suite anneals from step 10000 of its runs, far
    /// longer than ours).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    [Min(0)] public long? AnnealStart { get; init; }

    /// <summary>p_anneal: how many equal jumps take p from 1 to p_end, spread evenly over the steps from anneal_start. null: 10.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    [Min(1)] public int? NSparsityUpdates { get; init; }

    // ---- loss and input conventions ----

    public ReconstructionLossKind ReconstructionLoss { get; init; } = ReconstructionLossKind.SumSquared;

    public ActivationNormalization NormalizeActivations { get; init; } = ActivationNormalization.None;

    /// <summary>Batches (of batch_size rows, drawn apart from the training stream) that E‖x‖ is estimated on.</summary>
    [Min(1)] public int NormalizationBatches { get; init; } = 100;

    // ---- optimisation ----

    [GreaterThan(0)] public double Lr { get; init; } = 1e-3;

    /// <summary>Activation rows per optimizer step.</summary>
    [Min(1)] public int BatchSize { get; init; } = 4096;

    /// <summary>Rows to train on; steps = training_tokens / batch_size. More than the cache holds means several epochs.</summary>
    [Min(1)] public long TrainingTokens { get; init; } = 2_097_152;

    /// <summary>lr multiplier min(step/warmup, 1).</summary>
    [Min(0)] public int LrWarmupSteps { get; init; } = 1000;

    /// <summary>
    /// Linear lr decay to zero: it starts at this fraction of the training steps and reaches 0 at
    /// lr_decay_end_fraction (dictionary_learning's decay_start; SAEBench's suite decays over the last 20%). null: no decay.
    /// </summary>
    [Min(0), Max(1)] public double? LrDecayStartFraction { get; init; }

    [GreaterThan(0), Max(1)] public double LrDecayEndFraction { get; init; } = 1.0;

    /// <summary>Sparsity-penalty multiplier min(step/warmup, 1) (L1, L0; not TopK's k).</summary>
    [Min(0)] public int SparsityWarmupSteps { get; init; } = 2000;

    /// <summary>relu only: resample dead latents every this many steps (dictionary_learning's scheme); null turns it off.</summary>
    [Min(2)] public int? ResampleSteps { get; init; }

    /// <summary>Adam's β1. null: the architecture's published value, 0 for jumprelu and gated, 0.9 otherwise.</summary>
    [Min(0), LessThan(1)] public double? AdamBeta1 { get; init; }

    [Min(0), LessThan(1)] public double AdamBeta2 { get; init; } = 0.999;

    /// <summary>
    /// Clip the global gradient norm to this. null: the architecture's published value, 1.0 for topk, batch_topk,
    /// jumprelu and april_update, no clipping for relu and gated (dictionary_learning's trainers).
    /// </summary>
    [GreaterThan(0)] public double? MaxGradNorm { get; init; }

    /// <summary>bfloat16 runs the encoder and decoder matmuls in bf16 with float32 master weights (about 2× on CPU).</summary>
    public MatmulDtype MatmulDtype { get; init; } = MatmulDtype.Float32;

    // ---- bookkeeping ----

    /// <summary>
    /// A latent is dead when it has not fired for this many training tokens. It drives AuxK and the training log's
    /// dead count (Gao et al. and dictionary_learning: 10M tokens; step-based rules like SAELens's differ).
    /// </summary>
    [Min(1)] public long DeadAfterTokens { get; init; } = 10_000_000;

    /// <summary>Rows held by the shuffling reader; larger mixes better across shards and costs 4·d bytes a row.</summary>
    [Min(1)] public int ShuffleBufferRows { get; init; } = 65_536;

    [Min(1)] public int LogEverySteps { get; init; } = 50;

    /// <summary>
    /// Save the full training state (weights, Adam, data order, RNG) every this many steps, so a killed TrainSae
    /// resumes from there on the next build and ends exactly where an uninterrupted run ends.
    /// </summary>
    [Min(1)] public int CheckpointEverySteps { get; init; } = 1000;

    /// <summary>Defaults to the pipeline's seed.</summary>
    [Min(0)] public long? Seed { get; init; }

    // ---- research objectives, added to the architecture's own ----

    /// <summary>Train with the precision-targeted adversarial terms (frozen SCR probes); null: not. Left out of the params when
    /// null, so the fingerprints of SAEs without a research objective are those they had before these keys existed.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public PrecisionAdversarialConfig? PrecisionAdversarial { get; init; }

    /// <summary>Train with the causal term (penalises causally inert latents); null: not (and left out of the params).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public CausalObjectiveConfig? Causal { get; init; }

    /// <summary>The research objective's name, or null for the architecture's objective alone.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? ResearchObjective => PrecisionAdversarial is not null ? "precision_adversarial" : Causal is not null ? "causal" : null;

    // ---- an SAE trained elsewhere ----

    /// <summary>
    /// Instead of training: a folder in SAELens layout (cfg.json with v6 or pre-6.0 keys, sae_weights.safetensors) or
    /// a Gemma Scope folder or file (params.npz), absolute or relative to pipeline.yaml. Training keys do not apply.
    /// </summary>
    public string? Path { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public long Steps => TrainingTokens / BatchSize;

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsImported => Path is not null;

    /// <summary>topk, batch_topk, matryoshka_batch_topk: latents the AuxK term may use per token (aux_k, else d_in / 2).</summary>
    public int EffectiveAuxK(int dIn) => AuxK ?? Math.Max(1, dIn / 2);

    /// <summary>matryoshka_batch_topk: group_fractions, else SAEBench's suite's.</summary>
    public IReadOnlyList<double> EffectiveGroupFractions() => GroupFractions ?? [1.0 / 32, 1.0 / 16, 1.0 / 8, 1.0 / 4, 1.0 / 2 + 1.0 / 32];

    /// <summary>matryoshka_batch_topk: group_weights, else 1/G each.</summary>
    public IReadOnlyList<double> EffectiveGroupWeights()
    {
        int groups = EffectiveGroupFractions().Count;
        return GroupWeights ?? Enumerable.Repeat(1.0 / groups, groups).ToArray();
    }

    /// <summary>p_anneal: p_end, else 0.2.</summary>
    public double EffectivePEnd() => PEnd ?? 0.2;

    /// <summary>p_anneal: anneal_start, else half the steps.</summary>
    public long EffectiveAnnealStart() => AnnealStart ?? Steps / 2;

    /// <summary>p_anneal: n_sparsity_updates, else 10.</summary>
    public int EffectiveSparsityUpdates() => NSparsityUpdates ?? 10;

    public void Validate(ConfigValidation v)
    {
        if (IsImported)
        {
            string resolved = System.IO.Path.GetFullPath(System.IO.Path.Combine(v.BaseDirectory, Path!));
            if (!Directory.Exists(resolved) && !File.Exists(resolved))
                v.Error("path", $"no SAE folder or file at {resolved}", ConfigCodes.MissingFile);
            foreach (var key in new[] { "architecture", "d_sae", "k", "l1_coefficient", "resample_steps", "precision_adversarial", "causal" })
                if (v.HasOwn(key)) v.Error(key, $"an imported SAE (path: …) is not trained here, so {key} does not apply; its files say what it is", ConfigCodes.Inconsistent);
            return;
        }
        // Which keys apply to which architecture, and each architecture's own rules, are the architectures' (their
        // definitions in src/Sae/Architectures/, checked by SaeArchitectures.Validate after this).
        if (!v.Has("d_sae")) v.Error("d_sae", "missing required key 'd_sae' (the number of latents)", ConfigCodes.MissingRequired);
        if (PrecisionAdversarial is not null && Causal is not null)
            v.Error("causal", "an SAE trains with one research objective: precision_adversarial or causal, not both", ConfigCodes.Inconsistent);
        if (TrainingTokens < BatchSize)
        {
            v.Error("training_tokens", $"must be at least batch_size ({BatchSize}) to make one step", ConfigCodes.Inconsistent);
            return;
        }
        if (LrWarmupSteps >= Steps)
            v.Warn("lr_warmup_steps", $"warmup ({LrWarmupSteps} steps) is not shorter than training ({Steps} steps); the lr never reaches its value");
        if (LrDecayStartFraction is { } start && start >= LrDecayEndFraction)
            v.Error("lr_decay_start_fraction", $"must be below lr_decay_end_fraction ({LrDecayEndFraction})", ConfigCodes.Inconsistent);
    }
}
