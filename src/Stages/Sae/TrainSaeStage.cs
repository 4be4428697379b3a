using System.Text.Json.Nodes;
using SaePipeline.Activations;
using SaePipeline.Artifacts;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// TrainSae: streams shuffled batches from the activation cache's training split, trains one SAE and saves it in the
/// SAELens layout with its training log. A non-finite loss stops the stage before anything is saved.
/// </summary>
public static class TrainSaeStage
{
    public static void Run(StageContext context)
    {
        var p = context.Params<TrainSaeParams>();
        var cfg = p.Sae;
        long seed = cfg.Seed ?? throw new PipelineException("the SAE seed was not resolved by the planner", context.Spec.Id);
        var (cacheDir, cacheManifest) = context.Input("activations");
        var cache = ActivationCache.Open(cacheDir, cacheManifest);
        if (cache.DIn != p.DIn)
            throw new PipelineException($"{cacheDir} holds d_in = {cache.DIn} activations, but the SAE expects {p.DIn}", cacheDir);

        var device = TorchRuntime.Resolve(p.Device);
        long steps = cfg.Steps, trainRows = cache.Rows(CacheActivationsStage.TrainSplit);
        context.Log($"{cfg.Architecture.ToString().ToLowerInvariant()} d_in {p.DIn} → d_sae {cfg.DSae}, " +
                    $"l1 {cfg.L1Coefficient}, lr {cfg.Lr}, {steps:N0} steps × {cfg.BatchSize} rows ({(double)steps * cfg.BatchSize / trainRows:F2} epochs of {trainRows:N0}), " +
                    $"device {TorchRuntime.Describe(device)}, seed {seed}");

        using var initGenerator = TorchRuntime.Generator(seed, "sae/init");
        using var resampleGenerator = TorchRuntime.Generator(seed, "sae/resample", device);
        using var sae = ReluSae.Initialize(p.DIn, cfg.DSae, initGenerator, device);
        using var trainer = new StandardTrainer(sae, cfg, resampleGenerator);
        var batches = ShuffledBatches.Open(cache, CacheActivationsStage.TrainSplit, cfg.BatchSize, cfg.ShuffleBufferRows, seed);
        var log = new TrainingLog(context.OutputDir);
        var progress = new Progress(context.Label, steps, "steps");
        StepStats? last = null;
        Task<float[]> pending = Task.FromResult(Array.Empty<float>());
        try
        {
            // The next batch is read and shuffled on a worker thread while the current step computes; the batch array
            // is copied into a tensor before that read starts, so one buffer is enough.
            pending = Task.Run(batches.NextAsync);
            for (long step = 0; step < steps; step++)
            {
                bool logNow = step % cfg.LogEverySteps == 0 || step == steps - 1;
                (double loss, StepStats? stats) result;
                using (var scope = NewDisposeScope())
                {
                    var x = RowTensors.FromRows(pending.GetAwaiter().GetResult(), cfg.BatchSize, p.DIn);
                    if (step + 1 < steps) pending = Task.Run(batches.NextAsync);
                    result = trainer.Step(x.to(device), step, logNow);
                }
                if (!double.IsFinite(result.loss))
                    throw new PipelineException(
                        $"the loss became {result.loss} at step {step} (lr {cfg.Lr}, l1_coefficient {cfg.L1Coefficient}); " +
                        "lower lr, or check the activations for NaN/Inf. Nothing was saved", context.Spec.Id) { Code = "SAE3001" };
                if (result.stats is { } s)
                {
                    last = s;
                    log.Write(s, (step + 1) * cfg.BatchSize, context.Elapsed.TotalSeconds);
                    progress.Report(step + 1, $"loss {s.Loss:G4}, L0 {s.L0:F1}, EV {s.ExplainedVariance:F3}, dead {s.DeadLatents}");
                }
            }
        }
        finally
        {
            log.Dispose();
            pending.ContinueWith(_ => { }).Wait();   // never dispose the reader under a running prefetch
            batches.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        using (var scope = NewDisposeScope())
            if (sae.Parameters.Any(t => !isfinite(t).all().item<bool>()))
                throw new PipelineException($"the weights are not finite after the last step (lr {cfg.Lr}); lower lr. Nothing was saved",
                    context.Spec.Id) { Code = "SAE3001" };
        double seconds = context.Elapsed.TotalSeconds;
        double tokensPerSecond = steps * cfg.BatchSize / seconds;
        progress.Done($"{tokensPerSecond:N0} rows/s");

        var training = (JsonObject)Json.ToNode(cfg);
        training["trainer"] = "StandardTrainer (dictionary_learning semantics)";
        training["steps"] = steps;
        SaeLensFormat.Save(context.OutputDir, sae, new JsonObject
        {
            ["sae_lens_training_version"] = null,
            ["model_name"] = cache.Info.Hook == "synthetic" ? "synthetic" : cache.Info.Source?["model"]?.DeepClone(),
            ["hook_name"] = cache.Info.Hook,
            ["hook_head_index"] = null,
            ["context_size"] = cache.Info.Context,
            ["prepend_bos"] = cache.Info.Context is not null,   // model caches start every row with BOS
            ["dataset_path"] = cacheManifest.Id,
            ["neuronpedia_id"] = null,
            ["trained_with"] = Artifacts.CodeVersion.Current,
            ["training"] = training,
        });
        context.Commit(new JsonObject
        {
            ["steps"] = steps,
            ["tokens"] = steps * cfg.BatchSize,
            ["epochs"] = Math.Round((double)steps * cfg.BatchSize / trainRows, 4),
            ["seconds"] = Math.Round(seconds, 2),
            ["tokens_per_second"] = Math.Round(tokensPerSecond),
            ["device"] = device.ToString(),
            ["final"] = last is null ? null : Json.ToNode(last),
        });
    }
}
