using System.Text.Json.Nodes;
using SaePipeline.Activations;
using SaePipeline.Artifacts;
using SaePipeline.Config;
using SaePipeline.Data.ProbeSets;
using SaePipeline.Runtime;

namespace SaePipeline.Probes;

/// <summary>One seed's per-class results of a sparse-probing data set.</summary>
public sealed record SparseProbingSeedResults(long Seed, IReadOnlyList<SparseProbeResult> Classes);

/// <summary>Every seed's results of one sparse-probing data set.</summary>
public sealed record SparseProbingSubsetResults(string Subset, string JsonName, IReadOnlyList<SparseProbingSeedResults> Seeds);

/// <summary><c>llm_results.json</c>: the language model's sparse-probing accuracies on one source data set, computed once for every SAE.</summary>
public sealed record SparseProbingLlmFile
{
    public const string FileName = "llm_results.json";

    public required string Dataset { get; init; }
    public required int DIn { get; init; }
    public required IReadOnlyList<int> KValues { get; init; }
    public required ProbeSettings Settings { get; init; }
    public required IReadOnlyList<SparseProbingSubsetResults> Subsets { get; init; }
}

/// <summary>
/// TrainProbes for sparse probing: the language model's side of SAEBench's sparse probing on one source data set (its
/// mean-pooled activations, full-width and top-k probes for every data set, seed and class), which SAEBench also
/// computes once and caches with the activations.
/// </summary>
public static class SparseProbingLlm
{
    public static void Run(StageContext context, TrainProbesParams p, ActivationCache cache, ProbeSetFile sets)
    {
        var kValues = p.KValues ?? throw new PipelineException("sparse probing needs k_values", context.Spec.Id);
        var (train, test) = TrainProbesStage.Pool(context, cache, sets);
        var subsets = Evaluate(new ProbeData(sets, train, test), sets.SparseProbing!, p.Settings, kValues, "llm",
                               new Progress(context.Label, sets.SparseProbing!.Sum(s => s.Seeds.Sum(x => x.Classes.Count)), "probes"));
        var file = new SparseProbingLlmFile { Dataset = p.Dataset, DIn = cache.DIn, KValues = kValues, Settings = p.Settings, Subsets = subsets };
        AtomicFile.WriteAllText(Path.Combine(context.OutputDir, SparseProbingLlmFile.FileName), Json.Serialize(file));
        foreach (var s in subsets)
            context.Log($"{s.Subset}: llm test accuracy {Mean(s, r => r.TestAccuracy):F3}, top-{kValues[0]} {Mean(s, r => r.TopK[kValues[0]]):F3} (mean over classes and seeds)");
        context.Commit(new JsonObject { ["subsets"] = subsets.Count, ["train_texts"] = train.Rows, ["test_texts"] = test.Rows });
    }

    /// <summary>Every data set, seed and class of <paramref name="subsets"/> on one kind of pooled vectors ("llm" or "sae": the name of the random stream).</summary>
    public static List<SparseProbingSubsetResults> Evaluate(ProbeData data, IReadOnlyList<SparseProbingSubsetRows> subsets, ProbeSettings settings,
                                                            IReadOnlyList<int> kValues, string side, Progress? progress = null)
    {
        long done = 0;
        var results = subsets.Select(subset => new SparseProbingSubsetResults(subset.Subset, subset.JsonName, subset.Seeds.Select(seedRows =>
        {
            var classes = SparseProbes.Run(data, seedRows, settings, kValues, SplitMix64.For(seedRows.Seed, $"sparse_probing/{subset.Subset}/{side}"));
            progress?.Report(done += classes.Count);
            return new SparseProbingSeedResults(seedRows.Seed, classes);
        }).ToList())).ToList();
        progress?.Done();
        return results;
    }

    static double Mean(SparseProbingSubsetResults s, Func<SparseProbeResult, double> value) => s.Seeds.SelectMany(x => x.Classes).Average(value);
}
