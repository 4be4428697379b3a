using System.Text.Json.Nodes;
using SaePipeline.Activations;
using SaePipeline.Artifacts;
using SaePipeline.Formats;
using SaePipeline.Runtime;
using SaePipeline.Sae;

namespace SaePipeline.Evals.Synthetic;

/// <summary>
/// EvaluateSynthetic: scores one SAE against the planted features of its cache (MMCS, MCC, recovered share) and over
/// the held-out rows (L0 against the true L0, explained variance, shrinkage, dead latents), in SAEBench's envelope with
/// eval_type_id "synthetic_recovery". Per-feature matches go to eval_result_details.
/// </summary>
public static class EvaluateSyntheticStage
{
    public static void Run(StageContext context) => SaeEvaluation.Run<EvaluateSyntheticParams>(context, EvalTypes.SyntheticRecovery, Evaluate);

    static EvalOutcome Evaluate(EvalRun<EvaluateSyntheticParams> run)
    {
        var (context, p, sae, saeDir, device) = run;
        var (cacheDir, cacheManifest) = context.Input(InputRole.Activations);
        var cache = ActivationCache.Open(cacheDir, cacheManifest);
        using (var scope = TorchSharp.torch.NewDisposeScope())
            if (sae.Parameters.Concat(sae.Buffers).Any(t => !TorchSharp.torch.isfinite(t.Tensor).all().item<bool>()))
                throw new PipelineException($"{Path.Combine(saeDir, SaeLensFormat.WeightsFile)} holds non-finite values", saeDir);
        string truthPath = Path.Combine(cacheDir, SyntheticCache.GroundTruthFile);
        var truth = Safetensors.Load(truthPath);
        foreach (var key in new[] { "features", "firing_probability" })
            if (!truth.ContainsKey(key)) throw new PipelineException($"{truthPath} has no '{key}' tensor; is this a synthetic cache?", truthPath);
        var features = truth["features"];
        if (features.shape[1] != sae.DIn)
            throw new PipelineException($"the SAE has d_in {sae.DIn} but the planted features have {features.shape[1]} dims", saeDir);
        var probability = truth["firing_probability"].data<float>().ToArray();

        var scores = FeatureRecovery.Score(features, sae.W_dec, p.Settings.RecoveredCosine);
        var heldout = SyntheticRecoveryEval.MeasureAsync(sae, cache, device).GetAwaiter().GetResult();
        foreach (var t in truth.Values) t.Dispose();

        context.Log($"MMCS {scores.Mmcs:F4}, MCC {scores.Mcc:F4}, recovered {scores.FracRecovered * 100:F1}%, " +
                    $"L0 {heldout.L0:F2} (true {heldout.TrueL0:F2}), EV {heldout.ExplainedVariance:F4}, dead {heldout.FracDead * 100:F1}%");

        static JsonNode? N(double v) => SaeBenchEnvelope.Number(v);
        var metrics = new JsonObject
        {
            ["feature_recovery"] = new JsonObject { ["mmcs"] = N(scores.Mmcs), ["mcc"] = N(scores.Mcc), ["frac_recovered"] = N(scores.FracRecovered) },
            ["sparsity"] = new JsonObject { ["l0"] = N(heldout.L0), ["true_l0"] = N(heldout.TrueL0) },
            ["reconstruction_quality"] = new JsonObject { ["explained_variance"] = N(heldout.ExplainedVariance), ["mse"] = N(heldout.Mse) },
            ["shrinkage"] = new JsonObject { ["l2_ratio"] = N(heldout.L2Ratio), ["relative_reconstruction_bias"] = N(heldout.RelativeReconstructionBias) },
            ["dead_latents"] = new JsonObject { ["frac_dead"] = N(heldout.FracDead) },
        };
        var details = new JsonArray();
        for (int i = 0; i < scores.MaxCosine.Length; i++)
            details.Add(new JsonObject
            {
                ["feature"] = i,
                ["firing_probability"] = probability[i],
                ["max_cosine"] = scores.MaxCosine[i],
                ["best_latent"] = scores.BestLatent[i],
                ["matched_latent"] = scores.MatchedLatent[i],
                ["matched_abs_cosine"] = scores.MatchedAbsCosine[i],
            });
        var evalConfig = new JsonObject
        {
            ["recovered_cosine"] = p.Settings.RecoveredCosine,
            ["n_true_features"] = scores.MaxCosine.Length,
            ["heldout_rows"] = heldout.Rows,
            ["explained_variance"] = "1 - sum||x - x_hat||^2 / sum||x - mean(x)||^2 over the held-out split",
            ["mcc_matching"] = "Hungarian on |cos|; unmatched true features count 0",
        };
        return new EvalOutcome(evalConfig, metrics, details, new JsonObject(), new JsonObject { ["metrics"] = metrics.DeepClone() });
    }
}
