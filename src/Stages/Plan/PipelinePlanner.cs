using System.Text.Json.Nodes;
using SaePipeline.Activations;
using SaePipeline.Config;
using SaePipeline.Data.ProbeSets;
using SaePipeline.Evals;
using SaePipeline.Evals.Causal;
using SaePipeline.Evals.Core;
using SaePipeline.Evals.SparseProbing;
using SaePipeline.Evals.ScrTpp;
using SaePipeline.Models;
using SaePipeline.Models.Builtin;
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
    public static PipelinePlan Build(LoadedConfig loaded, string notesFile)
    {
        var c = loaded.Config;
        string baseDir = Path.GetDirectoryName(loaded.Path)!;
        var items = new List<PlanItem>();

        PlanItem? model = null;
        int dModel = 0;
        if (c.Model is { } m)
        {
            PrepareModelParams prepare;
            if (m.Builtin is { } preset)
            {
                var spec = BuiltinModels.Find(preset)!;
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
            model = Add(items, StageKind.PrepareModel, "model", prepare, []);
        }

        PlanItem saeCache;
        int dIn;
        var probeTasks = new List<ProbeTask>();
        CoreTask? coreTask = null;
        if (c.Synthetic is { } syntheticConfig)
        {
            var synthetic = syntheticConfig with { Seed = syntheticConfig.Seed ?? c.Seed };
            saeCache = Add(items, StageKind.CacheActivations, "synthetic",
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
            saeCache = Add(items, StageKind.CacheActivations, a.Corpus,
                new CacheActivationsParams
                {
                    Source = ActivationSource.Corpus, Model = settings, Dataset = DatasetResolver.Resolve(c, a.Corpus, baseDir),
                    NTokens = a.NTokens, NHeldoutTokens = a.NHeldoutTokens,
                },
                new() { ["model"] = model! });
            foreach (var name in a.Labelled)
                Add(items, StageKind.CacheActivations, name,
                    new CacheActivationsParams { Source = ActivationSource.Labelled, Model = settings, Dataset = DatasetResolver.Resolve(c, name, baseDir) },
                    new() { ["model"] = model! });
            foreach (var (task, datasets) in new[] { (ProbeSelection.Scr, c.Evals.Scr?.Datasets), (ProbeSelection.Tpp, c.Evals.Tpp?.Datasets) })
                foreach (var name in datasets ?? [])
                {
                    // Each evaluation caches the rows its probes use, and trains its probes once for every SAE.
                    var dataset = DatasetResolver.Resolve(c, name, baseDir);
                    var cache = Add(items, StageKind.CacheActivations, $"{name}-{task}",
                        new CacheActivationsParams { Source = ActivationSource.Labelled, Model = settings, Dataset = dataset, Selection = Selection(c, task, name, dataset.Kind) },
                        new() { ["model"] = model! });
                    var probes = Add(items, StageKind.TrainProbes, $"{task}-{name}",
                        new TrainProbesParams { Task = task, Dataset = name, Settings = c.Evals.Probes, Seeds = c.Evals.Seeds },
                        new() { ["activations"] = cache });
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
                    var cache = Add(items, StageKind.CacheActivations, $"{source}-{ProbeSelection.SparseProbing}",
                        new CacheActivationsParams { Source = ActivationSource.Labelled, Model = settings, Dataset = dataset, Selection = selection },
                        new() { ["model"] = model! });
                    var probes = Add(items, StageKind.TrainProbes, $"{ProbeSelection.SparseProbing}-{source}",
                        new TrainProbesParams { Task = ProbeSelection.SparseProbing, Dataset = source, Settings = sp.ProbeSettings, Seeds = c.Evals.Seeds, KValues = sp.KValues },
                        new() { ["activations"] = cache });
                    probeTasks.Add(new ProbeTask(ProbeSelection.SparseProbing, source, cache, probes));
                }
            if (c.Evals.Core is { } core)
                coreTask = PlanCoreReference(items, c, core, settings, model!, baseDir);
            dIn = dModel;
        }

        var reportInputs = new Dictionary<string, PlanItem>();
        foreach (var sae in c.Saes)
        {
            var train = PlanTrainSae(items, c, sae, dIn, saeCache, model, probeTasks, baseDir);
            reportInputs[$"sae/{sae.Name}"] = train;
            if (coreTask is { } ct)
            {
                var inputs = new Dictionary<string, PlanItem> { ["sae"] = train, ["model"] = model! };
                if (ct.Reference is { } reference) inputs["reference"] = reference;
                reportInputs[$"core/{sae.Name}"] = Add(items, StageKind.EvaluateCore, sae.Name, ct.Params with { SaeName = sae.Name }, inputs);
                if (c.Evals.Causal is { } causal && ct.Reference is { } shared)
                    reportInputs[$"causal/{sae.Name}"] = Add(items, StageKind.EvaluateCausal, sae.Name, new EvaluateCausalParams
                    {
                        SaeName = sae.Name, Release = c.Name, Hook = c.Activations!.Hook, Stream = ct.Params.Stream, Settings = causal with { Seed = null },
                        Seed = causal.Seed ?? c.Seed, ModelName = ct.Params.ModelName, Device = c.Device,
                    }, new() { ["sae"] = train, ["model"] = model!, ["reference"] = shared });
            }
            if (c.Evals.SparseProbing is { } sparse && probeTasks.Where(t => t.Task == ProbeSelection.SparseProbing).ToList() is { Count: > 0 } spTasks)
            {
                var inputs = new Dictionary<string, PlanItem> { ["sae"] = train };
                foreach (var t in spTasks)
                {
                    inputs[$"probes/{t.Dataset}"] = t.Probes;
                    inputs[$"activations/{t.Dataset}"] = t.Cache;
                }
                reportInputs[$"sparse_probing/{sae.Name}"] = Add(items, StageKind.EvaluateSparseProbing, sae.Name, new EvaluateSparseProbingParams
                {
                    SaeName = sae.Name, Release = c.Name, Sources = spTasks.Select(t => t.Dataset).ToList(), Datasets = sparse.Datasets,
                    KValues = sparse.KValues, Settings = sparse.ProbeSettings, ModelName = ModelName(c.Model!, baseDir),
                    LlmDtype = Json.ToNode(c.Model!.Dtype).GetValue<string>(), LlmBatchSize = c.Activations!.BatchRows,
                    ContextLength = c.Activations!.Context, Device = c.Device,
                }, inputs);
            }
            foreach (var (task, kind, paddingLeak, nValues) in new[]
                     {
                         (ProbeSelection.Scr, StageKind.EvaluateScr, c.Evals.Scr?.PaddingLeak ?? true, c.Evals.Scr?.NValues),
                         (ProbeSelection.Tpp, StageKind.EvaluateTpp, c.Evals.Tpp?.PaddingLeak ?? true, c.Evals.Tpp?.NValues),
                     })
            {
                var tasks = probeTasks.Where(t => t.Task == task).ToList();
                if (tasks.Count == 0) continue;
                var inputs = new Dictionary<string, PlanItem> { ["sae"] = train };
                foreach (var t in tasks)
                {
                    inputs[$"probes/{t.Dataset}"] = t.Probes;
                    inputs[$"activations/{t.Dataset}"] = t.Cache;
                }
                reportInputs[$"{task}/{sae.Name}"] = Add(items, kind, sae.Name, new EvaluateScrTppParams
                {
                    SaeName = sae.Name, Release = c.Name, Datasets = tasks.Select(t => t.Dataset).ToList(), NValues = nValues!,
                    PaddingLeak = paddingLeak, ModelName = ModelName(c.Model!, baseDir), LlmDtype = Json.ToNode(c.Model!.Dtype).GetValue<string>(),
                    LlmBatchSize = c.Activations!.BatchRows, Device = c.Device,
                }, inputs);
            }
            if (c.Synthetic is null) continue;
            var eval = Add(items, StageKind.EvaluateSynthetic, sae.Name,
                new EvaluateSyntheticParams { SaeName = sae.Name, Release = c.Name, Settings = c.Evals.SyntheticRecovery, Device = c.Device },
                new() { ["sae"] = train, ["activations"] = saeCache });
            reportInputs[$"eval/{sae.Name}"] = eval;
        }

        var report = new ReportParams
        {
            Experiment = c.Name,
            PipelineFile = loaded.Path,
            NotesFile = notesFile,
            Overrides = loaded.Overrides,
            Saes = c.Saes.Select(s => s.Name).ToList(),
            Config = (JsonObject)Json.ToNode(c),
        };
        Add(items, StageKind.Report, "report", report, reportInputs, contentAddressed: false, id: c.Name);
        return new PipelinePlan(loaded, items);
    }

    /// <summary>
    /// One SAE's TrainSae item. A research objective adds inputs: precision_adversarial reads its SCR data set's
    /// labelled cache and probes; causal reads the model and packs rows of the training corpus.
    /// </summary>
    static PlanItem PlanTrainSae(List<PlanItem> items, PipelineConfig c, SaeConfig sae, int dIn, PlanItem saeCache, PlanItem? model,
                                 List<ProbeTask> probeTasks, string baseDir)
    {
        var inputs = new Dictionary<string, PlanItem> { ["activations"] = saeCache };
        var p = new TrainSaeParams { Sae = sae with { Seed = sae.Seed ?? c.Seed }, DIn = dIn, Device = c.Device, Import = Imported(sae, baseDir) };
        if (sae.PrecisionAdversarial is { } adversarial)
        {
            var scr = probeTasks.Single(t => t.Task == ProbeSelection.Scr && t.Dataset == adversarial.Dataset);
            inputs["scr_activations"] = scr.Cache;
            inputs["scr_probes"] = scr.Probes;
            p = p with { ProbeSeed = adversarial.ProbeSeed ?? c.Evals.Seeds[0] };
        }
        if (sae.Causal is not null)
        {
            inputs["model"] = model!;
            var a = c.Activations!;
            p = p with { CausalRows = new CausalRowSource(DatasetResolver.Resolve(c, a.Corpus, baseDir), a.Context, a.Hook) };
        }
        return Add(items, StageKind.TrainSae, sae.Name, p, inputs);
    }

    /// <summary>Core evaluation's shared-pass cache (null when evals.core.shared_pass_cache is off) and every SAE's params but its name.</summary>
    sealed record CoreTask(PlanItem? Reference, EvaluateCoreParams Params);

    /// <summary>
    /// evals.core: counts left out take SAEBench's standard run for a checkpoint folder and smaller ones for the built-in
    /// model; the shared passes become one CacheActivations item, <c>&lt;corpus&gt;-core</c>, that every SAE's EvaluateCore reads.
    /// </summary>
    static CoreTask PlanCoreReference(List<PlanItem> items, PipelineConfig c, CoreEvalConfig core, ModelCacheSettings settings, PlanItem model, string baseDir)
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
            reference = Add(items, StageKind.CacheActivations, $"{name}-core",
                new CacheActivationsParams { Source = ActivationSource.CoreReference, Model = referenceSettings, Dataset = dataset, Core = stream },
                new() { ["model"] = model });
        }
        var p = new EvaluateCoreParams
        {
            SaeName = "", Release = c.Name, Hook = c.Activations!.Hook, Stream = stream,
            ExcludeSpecialTokensFromReconstruction = core.ExcludeSpecialTokensFromReconstruction, SharedPassCache = core.SharedPassCache,
            Dataset = dataset, ModelName = ModelName(c.Model!, baseDir), DatasetName = dataset.Generator is { } g ? $"builtin:{g}" : name,
            LlmDtype = Json.ToNode(c.Model!.Dtype).GetValue<string>(), Device = c.Device,
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

    static PlanItem Add<TParams>(List<PlanItem> items, StageKind kind, string name, TParams parameters,
                                 Dictionary<string, PlanItem> inputs, bool contentAddressed = true, string? id = null)
    {
        var node = (JsonObject)Json.ToNode(parameters);
        string fingerprint = Fingerprint.Compute(kind, node, inputs);
        var item = new PlanItem
        {
            Kind = kind,
            Name = name,
            Id = id ?? (contentAddressed ? $"{name}-{fingerprint[..8]}" : name),
            Fingerprint = fingerprint,
            Params = node,
            Inputs = inputs,
            ContentAddressed = contentAddressed,
        };
        items.Add(item);
        return item;
    }
}
