using System.Text.Json.Nodes;
using SaePipeline.Activations;
using SaePipeline.Artifacts;
using SaePipeline.Config;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// TrainSae: streams shuffled batches from the activation cache's training split, trains one SAE with its
/// architecture's objective, and saves it in the SAELens layout (taking raw activations: any input normalisation is
/// folded in) with its training log. Every checkpoint_every_steps it saves the whole training state; a killed run
/// resumes from the last checkpoint on the next build and ends bit for bit where an uninterrupted run ends. A
/// non-finite loss stops the stage before anything is saved. With <c>path</c>, the SAE is read from its files
/// instead, checked against the cache's width, and written in our layout.
/// </summary>
public static class TrainSaeStage
{
    public static void Run(StageContext context)
    {
        var p = context.Params<TrainSaeParams>();
        var (cacheDir, cacheManifest) = context.Input(InputRole.Activations);
        var cache = ActivationCache.Open(cacheDir, cacheManifest);
        if (p.Import is { } import)
        {
            Import(context, p, import, cache);
            return;
        }
        if (cache.DIn != p.DIn)
            throw new PipelineException($"{cacheDir} holds d_in = {cache.DIn} activations, but the SAE expects {p.DIn}", cacheDir);
        Train(context, p, cache, cacheManifest);
    }

    static void Train(StageContext context, TrainSaeParams p, ActivationCache cache, Manifest cacheManifest)
    {
        var cfg = p.Sae;
        long seed = cfg.Seed ?? throw new PipelineException("the SAE seed was not resolved by the planner", context.Spec.Id);
        var device = TorchRuntime.Resolve(p.Device);
        long steps = cfg.Steps, trainRows = cache.Rows(CacheActivationsStage.TrainSplit);
        context.Log($"{Json.ToNode(cfg.Architecture)} d_in {p.DIn} → d_sae {cfg.DSae}, {cfg.SparsityLabel()}, lr {cfg.Lr}, " +
                    $"{steps:N0} steps × {cfg.BatchSize} rows ({(double)steps * cfg.BatchSize / trainRows:F2} epochs of {trainRows:N0}), " +
                    $"{(cfg.MatmulDtype == MatmulDtype.Bfloat16 ? "bf16 matmuls, " : "")}device {TorchRuntime.Describe(device)}, seed {seed}");

        using var initGenerator = TorchRuntime.Generator(seed, "sae/init");
        using var resampleGenerator = TorchRuntime.Generator(seed, "sae/resample", device);
        using var sae = SaeInitialization.Create(cfg, p.DIn, initGenerator, device);
        var objective = ResearchObjectives.Create(context, p, SaeObjective.Create(cfg, sae), device);
        using var research = objective as AddedTermObjective;
        using var trainer = new SaeTrainer(objective, cfg, resampleGenerator);
        var batches = ShuffledBatches.Open(cache, CacheActivationsStage.TrainSplit, cfg.BatchSize, cfg.ShuffleBufferRows, seed);

        string checkpointDir = TrainingCheckpoint.DirFor(context.Root, context.Spec.Id);
        var resumed = TrainingCheckpoint.TryRestore(checkpointDir, trainer, out string? unusable);
        if (unusable is not null) context.Log($"WARN ignoring the checkpoint in {checkpointDir}: {unusable}; training from the start");
        if (resumed is not null)
        {
            batches.RestoreAsync(resumed.Shuffle).GetAwaiter().GetResult();
            context.Log($"resuming from the checkpoint at step {resumed.NextStep:N0} of {steps:N0} ({checkpointDir})");
        }
        double inputScale = resumed?.InputScale ?? InputNormalization.EstimateScaleAsync(cache, CacheActivationsStage.TrainSplit, cfg, seed).GetAwaiter().GetResult();
        if (cfg.NormalizeActivations != ActivationNormalization.None && resumed is null)
            context.Log($"input normalisation: × {inputScale:G6} so that E‖x‖ = √{p.DIn} (folded into the saved SAE)");
        sae.MatmulDtype = cfg.MatmulDtype == MatmulDtype.Bfloat16 ? ScalarType.BFloat16 : ScalarType.Float32;

        long start = resumed?.NextStep ?? 0;
        if (research is not null)
        {
            research.InputScale = inputScale;
            research.Start(start);
        }
        var stepTimes = new TermTimes();
        double secondsBefore = resumed?.TrainingSeconds ?? 0;
        var log = new TrainingLog(context.OutputDir, resumed?.LogText, objective.LogColumns);
        var progress = new Progress(context.Label, steps, "steps");
        StepStats? last = resumed?.LastStats;
        Task<float[]> pending = Task.FromResult(Array.Empty<float>());
        try
        {
            // The next batch is read and shuffled on a worker thread while the current step computes; the batch array
            // is copied into a tensor before that read starts, so one buffer is enough. Before a checkpoint the
            // reader's position is captured between the two, so it names the batch the next step will take.
            pending = Task.Run(batches.NextAsync);
            // The prefetch parses Parquet on another thread while a step computes; see NoCollections for why no
            // collection may run inside a step.
            using var noCollections = NoCollections.During();
            for (long step = start; step < steps; step++)
            {
                bool logNow = step % cfg.LogEverySteps == 0 || step == steps - 1;
                bool checkpointNow = (step + 1) % cfg.CheckpointEverySteps == 0 && step + 1 < steps;
                ShuffleState? position = null;
                (double loss, StepStats? stats) result;
                using (var scope = NewDisposeScope())
                {
                    var x = RowTensors.FromRows(pending.GetAwaiter().GetResult(), cfg.BatchSize, p.DIn);
                    if (checkpointNow) position = batches.Capture();
                    if (step + 1 < steps) pending = Task.Run(batches.NextAsync);
                    x = x.to(device);
                    if (inputScale != 1.0) x = x * inputScale;
                    noCollections.Renew();
                    long began = System.Diagnostics.Stopwatch.GetTimestamp();
                    result = trainer.Step(x, step, logNow);
                    // Logged steps compute extra statistics, and the first steps warm caches up; neither is timed.
                    if (!logNow && step - start >= TermTimes.WarmupSteps)
                        stepTimes.Add(research?.TermRunsAt(step) ?? false, System.Diagnostics.Stopwatch.GetElapsedTime(began).TotalSeconds);
                }
                if (!double.IsFinite(result.loss))
                    throw new PipelineException(
                        $"the loss became {result.loss} at step {step} (lr {cfg.Lr}, {cfg.SparsityLabel()}); " +
                        "lower lr, or check the activations for NaN/Inf. Nothing was saved", context.Spec.Id) { Code = "SAE3001" };
                if (result.stats is { } s)
                {
                    last = s;
                    log.Write(s, (step + 1) * cfg.BatchSize, secondsBefore + context.Elapsed.TotalSeconds);
                    progress.Report(step + 1, $"loss {s.Loss:G4}, L0 {s.L0:F1}, EV {s.ExplainedVariance:F3}, dead {s.DeadLatents}");
                }
                if (position is not null)
                    TrainingCheckpoint.Save(checkpointDir, new TrainingCheckpoint(step + 1, inputScale, secondsBefore + context.Elapsed.TotalSeconds,
                                                                                  log.Text, last, position), trainer);
            }
        }
        finally
        {
            log.Dispose();
            pending.ContinueWith(_ => { }).Wait();   // never dispose the reader under a running prefetch
            batches.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        using (var scope = NewDisposeScope())
            if (sae.Parameters.Concat(sae.Buffers).Any(t => !isfinite(t.Tensor).all().item<bool>()))
                throw new PipelineException($"the weights are not finite after the last step (lr {cfg.Lr}); lower lr. Nothing was saved",
                    context.Spec.Id) { Code = "SAE3001" };
        double seconds = secondsBefore + context.Elapsed.TotalSeconds;
        double tokensPerSecond = (steps - start) * cfg.BatchSize / context.Elapsed.TotalSeconds;
        progress.Done($"{tokensPerSecond:N0} rows/s");

        sae.MatmulDtype = ScalarType.Float32;
        if (inputScale != 1.0) sae.FoldInputScale(inputScale);
        var training = (JsonObject)Json.ToNode(cfg);
        training["objective"] = objective.GetType().Name;
        training["steps"] = steps;
        training["input_scale"] = inputScale;
        training["adam_beta1"] = cfg.EffectiveAdamBeta1();
        training["max_grad_norm"] = cfg.EffectiveMaxGradNorm();
        training["sparsity"] = cfg.SparsityLabel();
        SaeLensFormat.Save(context.OutputDir, sae, Provenance(cache, cacheManifest, training, context.Spec.Code));
        context.Commit(new JsonObject
        {
            ["steps"] = steps,
            ["tokens"] = steps * cfg.BatchSize,
            ["epochs"] = Math.Round((double)steps * cfg.BatchSize / trainRows, 4),
            ["seconds"] = Math.Round(seconds, 2),
            ["tokens_per_second"] = Math.Round(tokensPerSecond),
            ["resumed_from_step"] = resumed?.NextStep,
            ["device"] = device.ToString(),
            ["final"] = last is null ? null : Json.ToNode(last),
            ["objective"] = cfg.ResearchObjective,
            ["causal_overhead"] = cfg.Causal is null ? null : stepTimes.Overhead(cfg.BatchSize),
            ["precision_adversarial"] = objective is PrecisionAdversarialObjective adversarial ? new JsonObject
            {
                ["lambda"] = adversarial.Lambda,
                ["gender_accuracy"] = adversarial.Accuracies.Gender,
                ["profession_accuracy"] = adversarial.Accuracies.Profession,
                ["ablated_latents"] = Json.ToNode(adversarial.AblatedLatents),
            } : null,
        });
        TrainingCheckpoint.Delete(checkpointDir);
    }

    /// <summary>An SAE trained elsewhere: read, checked against the cache, written in our layout with where it came from.</summary>
    static void Import(StageContext context, TrainSaeParams p, ImportedSae import, ActivationCache cache)
    {
        var device = TorchRuntime.Resolve(p.Device);
        bool gemmaScope = GemmaScope.IsGemmaScope(import.Path);
        var (sae, sourceCfg) = gemmaScope ? GemmaScope.Load(import.Path, device) : SaeLensFormat.Load(import.Path, device);
        using (sae)
        {
            if (sae.DIn != cache.DIn)
                throw new PipelineException($"the SAE at {import.Path} has d_in {sae.DIn}, but the activations it is evaluated on ({cache.Info.Hook}) have {cache.DIn}", import.Path);
            using (var scope = NewDisposeScope())
                if (sae.Parameters.Concat(sae.Buffers).Any(t => !isfinite(t.Tensor).all().item<bool>()))
                    throw new PipelineException($"the SAE at {import.Path} holds non-finite values", import.Path);
            context.Log($"imported {(gemmaScope ? "Gemma Scope params.npz" : "SAELens folder")} {import.Path}: {sae.SaeLensArchitecture}, d_in {sae.DIn}, d_sae {sae.DSae}");
            var metadata = sourceCfg["metadata"]?.DeepClone() as JsonObject ?? [];
            metadata["imported_from"] = import.Path;
            metadata["imported_with"] = context.Spec.Code.Short;
            SaeLensFormat.Save(context.OutputDir, sae, metadata);
            context.Commit(new JsonObject { ["imported_from"] = import.Path, ["d_sae"] = sae.DSae, ["architecture"] = sae.SaeLensArchitecture });
        }
    }

    static JsonObject Provenance(ActivationCache cache, Manifest cacheManifest, JsonObject training, CodeIdentity code) => new()
    {
        ["sae_lens_training_version"] = null,
        ["model_name"] = cache.Info.Hook == "synthetic" ? "synthetic" : cache.Info.Source?["model"]?.DeepClone(),
        ["hook_name"] = cache.Info.Hook,
        ["hook_head_index"] = null,
        ["context_size"] = cache.Info.Context,
        ["prepend_bos"] = cache.Info.Context is not null,   // model caches start every row with BOS
        ["dataset_path"] = cacheManifest.Id,
        ["neuronpedia_id"] = null,
        ["trained_with"] = code.Short,
        ["training"] = training,
    };
}
