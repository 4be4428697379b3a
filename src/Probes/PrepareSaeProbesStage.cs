using System.Text.Json.Nodes;
using SaePipeline.Activations;
using SaePipeline.Artifacts;
using SaePipeline.Data.ProbeSets;
using SaePipeline.Runtime;

namespace SaePipeline.Probes;

/// <summary>
/// PrepareSaeProbes: the SAE-independent half of the sae-probes protocol on one source data set, once for every SAE:
/// the model's baseline probe on every binary task of every seed (<see cref="SaeProbesBaseline"/>), written as
/// <see cref="SaeProbesBaselineFile"/>. EvaluateSaeProbes then fits only the SAE's top-k probes.
/// </summary>
public static class PrepareSaeProbesStage
{
    public static void Run(StageContext context)
    {
        var p = context.Params<PrepareSaeProbesParams>();
        var (cacheDir, cacheManifest) = context.Input(InputRole.Activations);
        var cache = ActivationCache.Open(cacheDir, cacheManifest);
        string setsPath = Path.Combine(cacheDir, ProbeSetFile.FileName);
        var sets = Json.ReadFile<ProbeSetFile>(setsPath);
        if (sets.Task != ProbeSelection.SparseProbing)
            throw new PipelineException($"{setsPath} holds {sets.Task} sets; sae-probes builds its tasks from sparse-probing sets", setsPath);
        int tasks = SaeProbesTask.OfSets(sets, null, p.Limits.MaxTrain, p.Limits.MaxTest).Count();
        if (tasks == 0) throw new PipelineException($"{setsPath}: no sae-probes task can be built (every class needs two train and two test texts)", setsPath);
        var file = SaeProbesBaseline.Compute(cache, sets, p.Dataset, p.Limits, new Progress(context.Label, tasks, "tasks"));
        AtomicFile.WriteAllText(Path.Combine(context.OutputDir, SaeProbesBaselineFile.FileName), Json.Serialize(file));
        var auc = file.Seeds.SelectMany(s => s.Tasks).Select(t => t.Scores.Auc).ToList();
        context.Log($"{file.Seeds[0].Tasks.Count} tasks × {file.Seeds.Count} seeds: the model's test AUC {auc.Average():F3} (mean over tasks and seeds)");
        context.Commit(new JsonObject { ["tasks"] = auc.Count, ["seeds"] = file.Seeds.Count, ["llm_test_auc"] = auc.Average() });
    }
}
