using System.Text.Json.Nodes;
using SaePipeline.Activations.Core;

namespace SaePipeline.Evals.Core;

/// <summary>
/// SAEBench's core result JSON (docs/saebench.md §4.2), key for key: eval_config is CoreEvalConfig in its field order with
/// every compute_* flag true (all are computed), the metric categories in SAEBench's order, one detail per latent
/// rounded to 10 decimals, every NaN replaced by −1 as SAEBench does before writing and an infinity written as Python writes it. eval_result_unstructured
/// (SAEBench: {}) gets what SAEBench does not report but a reader needs: a correct FVU, the per-token SSE that
/// SAEBench's <c>mse</c> divides by the batch's token count, and the kept-token counts.
/// </summary>
public static class CoreJson
{
    public static JsonObject EvalConfig(EvaluateCoreParams p) => new()
    {
        ["model_name"] = p.Subject.ModelName,
        ["llm_dtype"] = p.Subject.LlmDtype,
        ["batch_size_prompts"] = p.Stream.BatchSizePrompts,
        ["n_eval_reconstruction_batches"] = p.Stream.NReconstructionBatches,
        ["n_eval_sparsity_variance_batches"] = p.Stream.NSparsityVarianceBatches,
        ["dataset"] = p.DatasetName,
        ["context_size"] = p.Stream.ContextSize,
        ["compute_kl"] = true,
        ["compute_ce_loss"] = true,
        ["compute_l2_norms"] = true,
        ["compute_sparsity_metrics"] = true,
        ["compute_variance_metrics"] = true,
        ["compute_featurewise_density_statistics"] = true,
        ["compute_featurewise_weight_based_metrics"] = true,
        ["exclude_special_tokens_from_reconstruction"] = p.ExcludeSpecialTokensFromReconstruction,
        ["verbose"] = false,
    };

    public static JsonObject Metrics(CoreEvaluation.Result r, MiscMetrics misc, CoreStreamSettings stream)
    {
        var d = r.Downstream;
        var s = r.SparsityVariance;
        long tokensPerBatch = (long)stream.BatchSizePrompts * stream.ContextSize;
        return new JsonObject
        {
            ["model_behavior_preservation"] = new JsonObject
            {
                ["kl_div_score"] = N(d.KlDivScore), ["kl_div_with_ablation"] = N(d.KlDivWithAblation), ["kl_div_with_sae"] = N(d.KlDivWithSae),
            },
            ["model_performance_preservation"] = new JsonObject
            {
                ["ce_loss_score"] = N(d.CeLossScore), ["ce_loss_with_ablation"] = N(d.CeLossWithAblation),
                ["ce_loss_with_sae"] = N(d.CeLossWithSae), ["ce_loss_without_sae"] = N(d.CeLossWithoutSae),
            },
            ["reconstruction_quality"] = new JsonObject
            {
                ["explained_variance"] = N(s.ExplainedVariance), ["explained_variance_legacy"] = N(s.ExplainedVarianceLegacy),
                ["mse"] = N(s.Mse), ["cossim"] = N(s.Cossim),
            },
            ["shrinkage"] = new JsonObject
            {
                ["l2_norm_in"] = N(s.L2NormIn), ["l2_norm_out"] = N(s.L2NormOut), ["l2_ratio"] = N(s.L2Ratio),
                ["relative_reconstruction_bias"] = N(s.RelativeReconstructionBias),
            },
            ["sparsity"] = new JsonObject { ["l0"] = N(s.L0), ["l1"] = N(s.L1) },
            ["token_stats"] = new JsonObject
            {
                ["total_tokens_eval_reconstruction"] = stream.NReconstructionBatches * tokensPerBatch,
                ["total_tokens_eval_sparsity_variance"] = stream.NSparsityVarianceBatches * tokensPerBatch,
            },
            ["misc_metrics"] = new JsonObject
            {
                ["freq_over_1_percent"] = N(misc.FreqOver1Percent), ["freq_over_10_percent"] = N(misc.FreqOver10Percent),
                ["normalized_freq_over_1_percent"] = N(misc.NormalizedFreqOver1Percent), ["normalized_freq_over_10_percent"] = N(misc.NormalizedFreqOver10Percent),
                ["average_max_encoder_cosine_sim"] = N(misc.AverageMaxEncoderCosineSim), ["average_max_decoder_cosine_sim"] = N(misc.AverageMaxDecoderCosineSim),
                ["frac_alive"] = N(misc.FracAlive),
            },
        };
    }

    /// <summary>One object per latent, in SAEBench's key order.</summary>
    public static JsonArray Details(SparsityVarianceResult s, FeatureWeightStatistics w)
    {
        var details = new JsonArray();
        for (int i = 0; i < s.FeatureDensity.Length; i++)
            details.Add(new JsonObject
            {
                ["index"] = i,
                ["feature_density"] = R(s.FeatureDensity[i]),
                ["consistent_activation_heuristic"] = R(s.ConsistentActivationHeuristic[i]),
                ["encoder_bias"] = R(w.EncoderBias[i]),
                ["encoder_norm"] = R(w.EncoderNorm[i]),
                ["encoder_decoder_cosine_sim"] = R(w.EncoderDecoderCosineSim[i]),
                ["max_decoder_cosine_sim"] = R(w.MaxDecoderCosineSim[i]),
                ["max_encoder_cosine_sim"] = R(w.MaxEncoderCosineSim[i]),
            });
        return details;
    }

    /// <summary>What SAEBench leaves out, labelled (these are not SAEBench metrics), and the two settings SAEBench has no key for.</summary>
    public static JsonObject Unstructured(CoreEvaluation.Result r, EvaluateCoreParams p) => new()
    {
        ["not_saebench_metrics"] = "computed beside SAEBench's: fvu is the correct fraction of variance unexplained, " +
                                   "sum_t ||x_t - x_hat_t||^2 / sum_t ||x_t - mean(x)||^2 over every kept token (1 - fvu is the explained variance " +
                                   "SAEBench's two formulas approximate); sse_per_token is the per-token squared error that SAEBench's mse divides by the batch's token count",
        ["fvu"] = N(r.SparsityVariance.Fvu),
        ["explained_variance_from_fvu"] = N(1 - r.SparsityVariance.Fvu),
        ["sse_per_token"] = N(r.SparsityVariance.SsePerToken),
        ["kept_tokens_reconstruction_kl"] = r.Downstream.KlTokens,
        ["kept_tokens_reconstruction_ce"] = r.Downstream.CeTokens,
        ["kept_tokens_sparsity_variance"] = r.SparsityVariance.Tokens,
        ["cossim_undefined_tokens"] = r.SparsityVariance.CossimUndefinedTokens,
        ["sae_dtype"] = p.Subject.SaeDtype,
        ["reuse_reconstruction_rows"] = p.Stream.ReuseReconstructionRows,
    };

    /// <summary>
    /// SAEBench replaces every NaN by −1 before writing (docs/saebench.md §1.5); an infinity it leaves alone, and
    /// Python's json.dump writes it as the bare token Infinity or -Infinity, as we do (<see cref="PythonFloat"/>).
    /// </summary>
    public static JsonNode N(double value) => PythonFloat.Node(double.IsNaN(value) ? -1.0 : value);

    static JsonNode R(double value) => N(double.IsFinite(value) ? Math.Round(value, 10) : value);
}
