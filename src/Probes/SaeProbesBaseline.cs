using SaePipeline.Activations;
using SaePipeline.Data;
using SaePipeline.Data.ProbeSets;
using SaePipeline.Runtime;

namespace SaePipeline.Probes;

/// <summary>The caps on a sae-probes task's balanced train and test texts: all the model's baseline depends on.</summary>
public sealed record SaeProbesTaskLimits
{
    public required int MaxTrain { get; init; }
    public required int MaxTest { get; init; }
}

/// <summary>One task's baseline: the probe on all of the model's dimensions.</summary>
public sealed record SaeProbesBaselineTask(string Task, BinaryTaskScores Scores);

/// <summary>One seed's baselines, in task order.</summary>
public sealed record SaeProbesBaselineSeed(long Seed, IReadOnlyList<SaeProbesBaselineTask> Tasks);

/// <summary><c>sae_probes_llm.json</c>: the model's sae-probes baseline on every task of one source data set, computed once for every SAE.</summary>
public sealed record SaeProbesBaselineFile
{
    public const string FileName = "sae_probes_llm.json";

    public required string Dataset { get; init; }
    public required int DModel { get; init; }
    public required SaeProbesTaskLimits Limits { get; init; }
    public required IReadOnlyList<SaeProbesBaselineSeed> Seeds { get; init; }

    /// <summary>The baseline of one seed's task; a task missing means the file was made for other sets or limits.</summary>
    public BinaryTaskScores Of(long seed, string task, string path) =>
        Seeds.FirstOrDefault(s => s.Seed == seed)?.Tasks.FirstOrDefault(t => t.Task == task)?.Scores
        ?? throw new PipelineException($"{path} has no sae-probes baseline for task {task} of seed {seed}; it was made for other data sets or seeds", path);
}

/// <summary>
/// sae-probes' baseline: a regularisation-searched logistic regression on every dimension of the last real token's
/// activation, for every binary task of a source's sparse-probing data sets and every seed. It does not depend on the
/// SAE, and at d_model ≫ k it is the slower half of the protocol, so PrepareSaeProbes computes it once.
/// </summary>
public static class SaeProbesBaseline
{
    public static SaeProbesBaselineFile Compute(ActivationCache cache, ProbeSetFile sets, string dataset, SaeProbesTaskLimits limits, Progress? progress = null)
    {
        var train = LastTokenActivations.Compute(cache, DatasetSource.Train, sets.RowsOf(DatasetSource.Train));
        var test = LastTokenActivations.Compute(cache, DatasetSource.Test, sets.RowsOf(DatasetSource.Test));
        var all = Enumerable.Range(0, cache.DIn).ToArray();
        var bySeed = new SortedDictionary<long, List<SaeProbesBaselineTask>>();
        int done = 0;
        foreach (var (seed, task) in SaeProbesTask.OfSets(sets, null, limits.MaxTrain, limits.MaxTest))
        {
            var scores = SaeProbesProbe.Score(task, train, test, cache.DIn, all, SaeProbesProbe.Folds(seed, task, "llm"));
            (bySeed.TryGetValue(seed, out var list) ? list : bySeed[seed] = []).Add(new SaeProbesBaselineTask(task.Name, scores));
            progress?.Report(++done);
        }
        progress?.Done();
        return new SaeProbesBaselineFile
        {
            Dataset = dataset, DModel = cache.DIn, Limits = limits, Seeds = bySeed.Select(kv => new SaeProbesBaselineSeed(kv.Key, kv.Value)).ToList(),
        };
    }
}
