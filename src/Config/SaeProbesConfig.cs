namespace SaePipeline.Config;

/// <summary>
/// <c>evals.sae_probes:</c> k-sparse probing in the protocol of Kantamneni et al. 2025 ("Are Sparse Autoencoders Useful?
/// A Case Study in Sparse Probing", arXiv 2502.16681; SAEBench's <c>sparse_probing_sae_probes</c>), which Chanin's 2026
/// audit (arXiv 2605.18229) found the most reliable SAE metric it tested. Every class of every sparse-probing data set
/// becomes a binary task (the class against the others), on the last real token's activation of each text; train and
/// test are balanced 50/50 and capped; the SAE's latents are ranked by the gap between the classes' mean
/// (mean-normalised) activations, and for each k a logistic regression on the top k latents (L1-penalised by default)
/// is fitted with its strength chosen by validation AUC over C in 10^5 … 10^−5; an L2 regression on all of the model's
/// dimensions is the baseline. It reads evals.sparse_probing's labelled caches, so that section must be present.
/// Repeated over evals.seeds (each seed's texts and splits).
/// </summary>
public sealed record SaeProbesConfig : IValidatedConfig
{
    /// <summary>Latents per probe (SAEBench's wrapper: 1, 2, 5; its JSON has keys for 1, 2, 5, 10, 20, 50, 100).</summary>
    [MinCount(1)]
    public IReadOnlyList<int> Ks { get; init; } = [1, 2, 5];

    /// <summary>At most this many training texts per task, half of each class (sae-probes: 1024).</summary>
    [Min(4)] public int MaxTrain { get; init; } = 1024;

    /// <summary>At most this many test texts per task, half of each class.</summary>
    [Min(4)] public int MaxTest { get; init; } = 1024;

    /// <summary>
    /// The SAE probes' penalty: l1 (SAEBench's default; sklearn's saga there, an exact proximal Newton solve here) or
    /// l2. The model's baseline is always l2, as in sae-probes.
    /// </summary>
    public string RegType { get; init; } = "l1";

    public static readonly IReadOnlyList<int> SaeBenchKs = [1, 2, 5, 10, 20, 50, 100];

    public void Validate(ConfigValidation v)
    {
        var unknown = Ks.Where(k => !SaeBenchKs.Contains(k)).ToList();
        if (unknown.Count > 0) v.Error("ks", $"{string.Join(", ", unknown)}: SAEBench's sae_probes JSON has keys only for k in {string.Join(", ", SaeBenchKs)}");
        if (Ks.Distinct().Count() != Ks.Count) v.Error("ks", "a value is listed twice", ConfigCodes.DuplicateName);
        if (RegType is not ("l1" or "l2")) v.Error("reg_type", $"'{RegType}' is not a penalty sae-probes offers; use l1 or l2");
    }
}
