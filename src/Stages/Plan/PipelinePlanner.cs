using System.Text.Json.Nodes;
using SaePipeline.Activations;
using SaePipeline.Activations.Core;
using SaePipeline.Artifacts;
using SaePipeline.Config;
using SaePipeline.Data.ProbeSets;
using SaePipeline.Evals;
using SaePipeline.Evals.Absorption;
using SaePipeline.Evals.Causal;
using SaePipeline.Evals.Core;
using SaePipeline.Evals.ScrTpp;
using SaePipeline.Evals.SparseProbing;
using SaePipeline.Evals.Synthetic;
using SaePipeline.Models;
using SaePipeline.Models.Prepare;
using SaePipeline.Probes;
using SaePipeline.Reports;
using SaePipeline.Runtime;
using SaePipeline.Sae;

namespace SaePipeline.Plan;

/// <summary>The DAG for one config, in an order where every item comes after the items it reads.</summary>
public sealed record PipelinePlan(LoadedConfig Config, IReadOnlyList<PlanItem> Items);

/// <summary>
/// Turns a validated config into stage items: the model (when pipeline.yaml names one); the activation caches (the
/// planted-feature source, or the model's corpus cache and one cache per labelled data set); per SCR/TPP data set a
/// labelled cache of the rows its probes use and a TrainProbes item; per SAE a TrainSae item and its evaluations
/// (EvaluateSynthetic on planted features; EvaluateScr, EvaluateTpp on a model); then the report. Each item's params
/// are exactly what its stage reads, so its fingerprint moves only when something it depends on does.
/// </summary>
public static class PipelinePlanner
{
    public static PipelinePlan Build(LoadedConfig loaded, string notesFile, CodeSensitivity code = CodeSensitivity.Stage)
    {
        var c = loaded.Config;
        string baseDir = Path.GetDirectoryName(loaded.Path)!;
        var b = new PlanBuilder(code);

        PlanItem? model = null;
        int dModel = 0;
        if (c.Model is { } m)
        {
            PrepareModelParams prepare;
            if (m.Builtin is { } preset)
            {
                var spec = BuiltinModels.Find(preset)!;
                if (m.Spelling is { } spelling) spec = spec with { SpellingScale = spelling };
                prepare = new PrepareModelParams { Builtin = spec, Seed = m.Seed ?? c.Seed, Dtype = m.Dtype, Device = c.Device };
                dModel = spec.DModel;
            }
            else
            {
                // The folder's fingerprint is part of the params: a changed checkpoint reruns PrepareModel and what reads it.
                string folder = m.ResolvedPath(baseDir);
                prepare = new PrepareModelParams { Source = folder, FolderFingerprint = ContentFingerprint.Folder(folder), Dtype = m.Dtype };
                dModel = HfConfig.Read(folder).Int("hidden_size", "n_embd", "d_model");
            }
            model = b.Add(StageTable.PrepareModel, "model", prepare, []);
        }

        PlanItem saeCache;
        int dIn;
        var probeTasks = new List<ProbeTask>();
        CoreTask? coreTask = null;
        PlanItem? absorptionPrep = null;
        var saeProbesPrep = new Dictionary<string, PlanItem>();
        if (c.Synthetic is { } syntheticConfig)
        {
            var synthetic = syntheticConfig with { Seed = syntheticConfig.Seed ?? c.Seed };
            saeCache = b.Add(StageTable.CacheActivations, "synthetic",
                new CacheActivationsParams { Source = ActivationSource.Synthetic, Synthetic = synthetic }, []);
            dIn = synthetic.DIn;
        }
        else
        {
            var a = c.Activations!;
            var settings = new ModelCacheSettings
            {
                Hook = a.Hook, Context = a.Context, Dtype = a.Dtype, BatchRows = a.BatchRows,
                RowsPerShard = a.RowsPerShard, RowsPerRowGroup = a.RowsPerRowGroup, Device = c.Device,
            };
            saeCache = b.Add(StageTable.CacheActivations, a.Corpus,
                new CacheActivationsParams
                {
                    Source = ActivationSource.Corpus, Model = settings, Dataset = DatasetResolver.Resolve(c, a.Corpus, baseDir),
                    NTokens = a.NTokens, NHeldoutTokens = a.NHeldoutTokens,
                },
                new() { [InputRole.Model] = model! });
            foreach (var name in a.Labelled)
                b.Add(StageTable.CacheActivations, name,
                    new CacheActivationsParams { Source = ActivationSource.Labelled, Model = settings, Dataset = DatasetResolver.Resolve(c, name, baseDir) },
                    new() { [InputRole.Model] = model! });
            foreach (var (task, datasets) in new[] { (ProbeSelection.Scr, c.Evals.Scr?.Datasets), (ProbeSelection.Tpp, c.Evals.Tpp?.Datasets) })
                foreach (var name in datasets ?? [])
                {
                    // Each evaluation caches the rows its probes use, and trains its probes once for every SAE.
                    var dataset = DatasetResolver.Resolve(c, name, baseDir);
                    var cache = b.Add(StageTable.CacheActivations, $"{name}-{task}",
                        new CacheActivationsParams { Source = ActivationSource.Labelled, Model = settings, Dataset = dataset, Selection = Selection(c, task, name, dataset.Kind) },
                        new() { [InputRole.Model] = model! });
                    var probes = b.Add(StageTable.TrainProbes, $"{task}-{name}",
                        new TrainProbesParams { Task = task, Dataset = name, Settings = c.Evals.Probes, Seeds = c.Evals.Seeds },
                        new() { [InputRole.Activations] = cache });
                    probeTasks.Add(new ProbeTask(task, name, cache, probes));
                }
            if (c.Evals.SparseProbing is { } sp)
                foreach (var (source, subsets) in sp.SourcesOfSubsets())
                {
                    // One labelled cache and one set of language-model probes per source data set, shared by its subsets and every SAE.
                    var dataset = DatasetResolver.Resolve(c, source, baseDir);
                    var selection = new ProbeSelection
                    {
                        Task = ProbeSelection.SparseProbing, TrainPerGroup = sp.TrainSetSize / 4, TestPerGroup = sp.TestSetSize / 4,
                        Subsets = subsets.Select(x => x.Id).ToList(), Seeds = c.Evals.Seeds, TrainSetSize = sp.TrainSetSize, TestSetSize = sp.TestSetSize,
                    };
                    var cache = b.Add(StageTable.CacheActivations, $"{source}-{ProbeSelection.SparseProbing}",
                        new CacheActivationsParams { Source = ActivationSource.Labelled, Model = settings, Dataset = dataset, Selection = selection },
                        new() { [InputRole.Model] = model! });
                    var probes = b.Add(StageTable.TrainProbes, $"{ProbeSelection.SparseProbing}-{source}",
                        new TrainProbesParams { Task = ProbeSelection.SparseProbing, Dataset = source, Settings = sp.ProbeSettings, Seeds = c.Evals.Seeds, KValues = sp.KValues },
                        new() { [InputRole.Activations] = cache });
                    probeTasks.Add(new ProbeTask(ProbeSelection.SparseProbing, source, cache, probes));
                    // sae-probes' model baselines on the same cache: once for every SAE, apart from the probes so that
                    // turning sae_probes on or editing it leaves sparse probing done.
                    if (c.Evals.SaeProbes is { } saeProbes)
                        saeProbesPrep[source] = b.Add(StageTable.PrepareSaeProbes, source,
                            new PrepareSaeProbesParams { Dataset = source, Limits = new SaeProbesTaskLimits { MaxTrain = saeProbes.MaxTrain, MaxTest = saeProbes.MaxTest } },
                            new() { [InputRole.Activations] = cache });
                }
            if (c.Evals.Core is { } core)
                coreTask = PlanCoreReference(b, c, core, settings, model!, baseDir);
            // First-letter absorption's prompts, activations and letter probes: once for every SAE.
            if (c.Evals.Absorption is { } absorption)
                absorptionPrep = b.Add(StageTable.PrepareAbsorption, "first-letter",
                    new PrepareAbsorptionParams { Settings = absorption, Hook = a.Hook, Seeds = c.Evals.Seeds, Device = c.Device },
                    new() { [InputRole.Model] = model! });
            dIn = dModel;
        }

        var reportInputs = new Dictionary<InputRole, PlanItem>();
        foreach (var sae in c.Saes)
        {
            var train = PlanTrainSae(b, c, sae, dIn, saeCache, model, probeTasks, baseDir);
            reportInputs[InputRole.SaeNamed(sae.Name)] = train;
            var subject = Subject(c, sae.Name, baseDir);
            if (coreTask is { } ct)
            {
                var inputs = new Dictionary<InputRole, PlanItem> { [InputRole.Sae] = train, [InputRole.Model] = model! };
                if (ct.Reference is { } reference) inputs[InputRole.CoreReference] = reference;
                reportInputs[InputRole.ResultOf(EvalTypes.Core, sae.Name)] = b.Add(StageTable.EvaluateCore, sae.Name, ct.Params with { Subject = subject }, inputs);
                // NCES is our own measure, not SAEBench's: its SAE runs in float32 whatever the model's dtype.
                if (c.Evals.Causal is { } causal && ct.Reference is { } shared)
                    reportInputs[InputRole.ResultOf(EvalTypes.Causal, sae.Name)] = b.Add(StageTable.EvaluateCausal, sae.Name, new EvaluateCausalParams
                    {
                        Subject = subject with { LlmDtype = null, SaeDtype = "float32" }, Hook = c.Activations!.Hook, Stream = ct.Params.Stream, Settings = causal with { Seed = null },
                        Seed = causal.Seed ?? c.Seed,
                    }, new() { [InputRole.Sae] = train, [InputRole.Model] = model!, [InputRole.CoreReference] = shared });
            }
            if (c.Evals.SparseProbing is { } sparse && probeTasks.Where(t => t.Task == ProbeSelection.SparseProbing).ToList() is { Count: > 0 } spTasks)
            {
                reportInputs[InputRole.ResultOf(EvalTypes.SparseProbing, sae.Name)] = b.Add(StageTable.EvaluateSparseProbing, sae.Name, new EvaluateSparseProbingParams
                {
                    Subject = subject, Sources = spTasks.Select(t => t.Dataset).ToList(), Datasets = sparse.Datasets,
                    KValues = sparse.KValues, Settings = sparse.ProbeSettings, LlmBatchSize = c.Activations!.BatchRows, ContextLength = c.Activations!.Context,
                }, ProbeInputs(train, spTasks));
                if (c.Evals.SaeProbes is { } saeProbes)
                {
                    // The same labelled caches, and the model's baselines PrepareSaeProbes computed on them.
                    var inputs = new Dictionary<InputRole, PlanItem> { [InputRole.Sae] = train };
                    foreach (var t in spTasks)
                    {
                        inputs[InputRole.ActivationsOf(t.Dataset)] = t.Cache;
                        inputs[InputRole.SaeProbesOf(t.Dataset)] = saeProbesPrep[t.Dataset];
                    }
                    reportInputs[InputRole.ResultOf(EvalTypes.SaeProbes, sae.Name)] = b.Add(StageTable.EvaluateSaeProbes, sae.Name, new EvaluateSaeProbesParams
                    {
                        Subject = subject, Sources = spTasks.Select(t => t.Dataset).ToList(), Datasets = sparse.Datasets, Settings = saeProbes,
                    }, inputs);
                }
            }
            if (absorptionPrep is not null)
                reportInputs[InputRole.ResultOf(EvalTypes.Absorption, sae.Name)] = b.Add(StageTable.EvaluateAbsorption, sae.Name,
                    new EvaluateAbsorptionParams { Subject = subject, Settings = c.Evals.Absorption!, Seeds = c.Evals.Seeds },
                    new() { [InputRole.Sae] = train, [InputRole.Absorption] = absorptionPrep });
            foreach (var (task, kind, evalType, paddingLeak, nValues) in new[]
                     {
                         (ProbeSelection.Scr, StageTable.EvaluateScr, EvalTypes.Scr, c.Evals.Scr?.PaddingLeak ?? true, c.Evals.Scr?.NValues),
                         (ProbeSelection.Tpp, StageTable.EvaluateTpp, EvalTypes.Tpp, c.Evals.Tpp?.PaddingLeak ?? true, c.Evals.Tpp?.NValues),
                     })
            {
                var tasks = probeTasks.Where(t => t.Task == task).ToList();
                if (tasks.Count == 0) continue;
                reportInputs[InputRole.ResultOf(evalType, sae.Name)] = b.Add(kind, sae.Name, new EvaluateScrTppParams
                {
                    Subject = subject, Datasets = tasks.Select(t => t.Dataset).ToList(), NValues = nValues!,
                    PaddingLeak = paddingLeak, LlmBatchSize = c.Activations!.BatchRows,
                }, ProbeInputs(train, tasks));
            }
            if (c.Synthetic is null) continue;
            reportInputs[InputRole.ResultOf(EvalTypes.SyntheticRecovery, sae.Name)] = b.Add(StageTable.EvaluateSynthetic, sae.Name,
                new EvaluateSyntheticParams { Subject = subject, Settings = c.Evals.SyntheticRecovery },
                new() { [InputRole.Sae] = train, [InputRole.Activations] = saeCache });
        }

        var report = new ReportParams
        {
            Experiment = c.Name,
            PipelineFile = Path.GetFileName(loaded.Path),
            Overrides = loaded.Overrides,
            Saes = c.Saes.Select(s => s.Name).ToList(),
            Config = (JsonObject)Json.ToNode(c with { Slurm = null }),
        };
        // The report is named by its experiment, so experiments sharing an artifacts root keep their own reports. Where
        // this clone's files are is local: a report fetched from the shared cache into another clone is the same report.
        b.Add(StageTable.Report, c.Name, report, reportInputs, new ReportLocal(loaded.Path, notesFile));
        return new PipelinePlan(loaded, b.Items);
    }

    /// <summary>
    /// One SAE's TrainSae item. A research objective adds inputs: precision_adversarial reads its SCR data set's
    /// labelled cache and probes; causal reads the model and packs rows of the training corpus.
    /// </summary>
    static PlanItem PlanTrainSae(PlanBuilder b, PipelineConfig c, SaeConfig sae, int dIn, PlanItem saeCache, PlanItem? model,
                                 List<ProbeTask> probeTasks, string baseDir)
    {
        var inputs = new Dictionary<InputRole, PlanItem> { [InputRole.Activations] = saeCache };
        var p = new TrainSaeParams { Sae = sae with { Seed = sae.Seed ?? c.Seed }, DIn = dIn, Device = c.Device, Import = Imported(sae, baseDir) };
        if (sae.PrecisionAdversarial is { } adversarial)
        {
            var scr = probeTasks.Single(t => t.Task == ProbeSelection.Scr && t.Dataset == adversarial.Dataset);
            inputs[InputRole.ScrActivations] = scr.Cache;
            inputs[InputRole.ScrProbes] = scr.Probes;
            p = p with { ProbeSeed = adversarial.ProbeSeed ?? c.Evals.Seeds[0] };
        }
        if (sae.Causal is not null)
        {
            inputs[InputRole.Model] = model!;
            var a = c.Activations!;
            p = p with { CausalRows = new CausalRowSource(DatasetResolver.Resolve(c, a.Corpus, baseDir), a.Context, a.Hook) };
        }
        return b.Add(StageTable.TrainSae, sae.Name, p, inputs);
    }

    /// <summary>Core evaluation's shared-pass cache (null when evals.core.shared_pass_cache is off) and every SAE's params but its name.</summary>
    sealed record CoreTask(PlanItem? Reference, EvaluateCoreParams Params);

    /// <summary>
    /// evals.core: counts left out take SAEBench's standard run for a checkpoint folder and smaller ones for the built-in
    /// model; the shared passes become one CacheActivations item, <c>&lt;corpus&gt;-core</c>, that every SAE's EvaluateCore reads.
    /// </summary>
    static CoreTask PlanCoreReference(PlanBuilder b, PipelineConfig c, CoreEvalConfig core, ModelCacheSettings settings, PlanItem model, string baseDir)
    {
        bool builtin = c.Model!.Builtin is not null;
        var stream = new CoreStreamSettings
        {
            BatchSizePrompts = core.BatchSizePrompts,
            NReconstructionBatches = core.NEvalReconstructionBatches
                                     ?? (builtin ? CoreEvalConfig.BuiltinReconstructionBatches : CoreEvalConfig.SaeBenchReconstructionBatches),
            NSparsityVarianceBatches = core.NEvalSparsityVarianceBatches
                                       ?? (builtin ? CoreEvalConfig.BuiltinSparsityVarianceBatches : CoreEvalConfig.SaeBenchSparsityVarianceBatches),
            ContextSize = core.ContextSize ?? c.Activations!.Context,
            Seed = core.Seed ?? c.Seed,
            ReuseReconstructionRows = core.ReuseReconstructionRows,
        };
        string name = core.Dataset ?? c.Activations!.Corpus;
        var dataset = DatasetResolver.Resolve(c, name, baseDir);
        PlanItem? reference = null;
        if (core.SharedPassCache)
        {
            // Only the hook and the device matter to these passes; the rest of the settings are fixed so that changing the
            // training cache's storage does not rerun them.
            var referenceSettings = settings with
            {
                Context = stream.ContextSize, BatchRows = stream.BatchSizePrompts, Dtype = ActivationDtype.Float32, RowsPerShard = 0, RowsPerRowGroup = 0,
            };
            reference = b.Add(StageTable.CacheActivations, $"{name}-core",
                new CacheActivationsParams { Source = ActivationSource.CoreReference, Model = referenceSettings, Dataset = dataset, Core = stream },
                new() { [InputRole.Model] = model });
        }
        var p = new EvaluateCoreParams
        {
            Subject = Subject(c, "", baseDir), Hook = c.Activations!.Hook, Stream = stream,
            ExcludeSpecialTokensFromReconstruction = core.ExcludeSpecialTokensFromReconstruction, SharedPassCache = core.SharedPassCache,
            Dataset = dataset, DatasetName = dataset.Generator is { } g ? $"builtin:{g}" : name,
        };
        return new CoreTask(reference, p);
    }

    /// <summary>One evaluation's probe work on one data set: its labelled cache and its TrainProbes item.</summary>
    sealed record ProbeTask(string Task, string Dataset, PlanItem Cache, PlanItem Probes);

    /// <summary>
    /// The rows an evaluation draws from a data set, canonical so that writing "professor" or "21" plans the same item:
    /// SCR pairs by class name, TPP classes by value, SAEBench's defaults where pipeline.yaml names none.
    /// </summary>
    static ProbeSelection Selection(PipelineConfig c, string task, string dataset, string kind)
    {
        var columns = ConceptColumns.For(kind)!;
        string Name(string cls) => columns.FindTarget(cls)!.Name;
        string Value(string cls) => columns.FindTarget(cls)!.Value;
        var probes = c.Evals.Probes;
        var selection = new ProbeSelection { Task = task, TrainPerGroup = probes.TrainSetSize / 4, TestPerGroup = probes.TestSetSize / 4 };
        if (task == ProbeSelection.Scr)
        {
            IReadOnlyList<IReadOnlyList<string>> pairs = c.Evals.Scr!.Pairs?.GetValueOrDefault(dataset)
                                                          ?? columns.DefaultScrPairs.Select(p => (IReadOnlyList<string>)[p.Positive, p.Negative]).ToList();
            return selection with { Pairs = pairs.Select(p => (IReadOnlyList<string>)[Name(p[0]), Name(p[1])]).ToList() };
        }
        var classes = c.Evals.Tpp!.Classes?.GetValueOrDefault(dataset) ?? columns.DefaultTppClasses;
        return selection with { Classes = classes.Select(Value).ToList(), Seeds = c.Evals.Seeds };
    }

    /// <summary>SAEBench's model_name: the built-in preset, or the checkpoint folder's name.</summary>
    static string ModelName(ModelConfig m, string baseDir) =>
        m.Builtin is { } preset ? ModelConfig.BuiltinPrefix + preset : Path.GetFileName(m.ResolvedPath(baseDir).TrimEnd('/'));

    /// <summary>An SAE trained elsewhere, with its files' fingerprint in the params, so replacing them reruns what reads it.</summary>
    static ImportedSae? Imported(SaeConfig sae, string baseDir)
    {
        if (sae.Path is not { } path) return null;
        string resolved = Path.GetFullPath(Path.Combine(baseDir, path));
        return new ImportedSae(resolved, File.Exists(resolved) ? ContentFingerprint.Files([resolved]) : ContentFingerprint.Folder(resolved));
    }

    /// <summary>
    /// What every evaluation of one SAE names it and its model by (SAEBench's sae_lens_id, release, model_name,
    /// llm_dtype); on planted features there is no model.
    /// </summary>
    static EvalSubject Subject(PipelineConfig c, string sae, string baseDir) => new()
    {
        SaeName = sae, Release = c.Name, Device = c.Device,
        ModelName = c.Model is { } m ? ModelName(m, baseDir) : null,
        LlmDtype = c.Model is { } model ? Json.ToNode(model.Dtype).GetValue<string>() : null,
        SaeDtype = c.Model is { Dtype: ModelDtype.Bfloat16 } && c.Evals.SaeDtype == EvalSaeDtype.Model ? "bfloat16" : "float32",
    };

    /// <summary>A probe-based evaluation's inputs: the SAE, and each data set's labelled cache and probes.</summary>
    static Dictionary<InputRole, PlanItem> ProbeInputs(PlanItem sae, IEnumerable<ProbeTask> tasks)
    {
        var inputs = new Dictionary<InputRole, PlanItem> { [InputRole.Sae] = sae };
        foreach (var t in tasks)
        {
            inputs[InputRole.ProbesOf(t.Dataset)] = t.Probes;
            inputs[InputRole.ActivationsOf(t.Dataset)] = t.Cache;
        }
        return inputs;
    }
}
