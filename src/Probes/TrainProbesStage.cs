using System.Diagnostics;
using System.Text.Json.Nodes;
using SaePipeline.Activations;
using SaePipeline.Activations.Labelled;
using SaePipeline.Artifacts;
using SaePipeline.Data;
using SaePipeline.Data.ProbeSets;
using SaePipeline.Runtime;

namespace SaePipeline.Probes;

/// <summary>
/// TrainProbes: the SAE-independent work of SCR or TPP on one data set, done once for every SAE. It mean-pools each
/// cached text's activations (saved as pooled.safetensors), then per seed trains SAEBench's probes on them and
/// records their clean accuracies (<see cref="ScrProbes"/>, <see cref="TppProbes"/>); see <see cref="ProbeFile"/>
/// for what it writes.
/// </summary>
public static class TrainProbesStage
{
    /// <summary>Below this, a binary probe is close enough to chance that nothing ablated can be read off it.</summary>
    const double WeakProbeAccuracy = 0.6;

    public static void Run(StageContext context)
    {
        var p = context.Params<TrainProbesParams>();
        var (cacheDir, cacheManifest) = context.Input(InputRole.Activations);
        var cache = ActivationCache.Open(cacheDir, cacheManifest);
        string setsPath = Path.Combine(cacheDir, ProbeSetFile.FileName);
        var sets = Json.ReadFile<ProbeSetFile>(setsPath);
        if (sets.Task != p.Task) throw new PipelineException($"{setsPath} holds {sets.Task} sets, not {p.Task}", setsPath);
        if (p.Task == ProbeSelection.SparseProbing)
        {
            SparseProbingLlm.Run(context, p, cache, sets);
            return;
        }

        var (train, test) = Pool(context, cache, sets);
        ProbeFile.SavePooled(context.OutputDir, train, test);

        int runs = p.Seeds.Count * (p.Task == ProbeSelection.Scr ? sets.Pairs!.Count(x => x.Skipped is null) : 1);
        var progress = new Progress(context.Label, runs, "runs");
        int positions = cache.Info.Context ?? throw new PipelineException($"{cacheDir}: the manifest records no context length", cacheDir);
        var (file, probes) = TrainAll(p, sets, train, test, cache.DIn, positions, (done, run) => progress.Report(done, Describe(run)));
        progress.Done($"{probes.Count} probes");
        ProbeFile.SaveProbes(context.OutputDir, probes);
        AtomicFile.WriteAllText(Path.Combine(context.OutputDir, ProbeFile.JsonFile), Json.Serialize(file));
        var accuracies = file.Seeds.SelectMany(s => s.Runs).SelectMany(r => r.Probes).Select(r => r.TestAccuracy).ToList();
        // A probe near chance makes every score built on it noise; say so here rather than leave it to the JSON.
        context.Log($"{accuracies.Count} probes over {p.Seeds.Count} seeds: test accuracy mean {accuracies.Average():F3}, min {accuracies.Min():F3}");
        int weak = accuracies.Count(a => a < WeakProbeAccuracy);
        if (weak > 0)
            context.Log($"WARN {weak} probes stay below {WeakProbeAccuracy} test accuracy (see {ProbeFile.JsonFile}); scores built on them measure noise. " +
                        "More training texts (evals.probes.train_set_size) or epochs may help, or the hook carries little of the concept");
        context.Commit(new JsonObject
        {
            ["probes"] = probes.Count,
            ["train_texts"] = train.Rows,
            ["test_texts"] = test.Rows,
            ["mean_test_accuracy"] = accuracies.Average(),
            ["min_test_accuracy"] = accuracies.Min(),
        });
    }

    /// <summary>Every cached text of the sets, mean-pooled over its real tokens, per split; says how long it took and what pooled to zeros.</summary>
    public static (PooledRows Train, PooledRows Test) Pool(StageContext context, ActivationCache cache, ProbeSetFile sets)
    {
        var clock = Stopwatch.StartNew();
        var train = PooledActivations.Compute(cache, DatasetSource.Train, sets.RowsOf(DatasetSource.Train), out int emptyTrain);
        var test = PooledActivations.Compute(cache, DatasetSource.Test, sets.RowsOf(DatasetSource.Test), out int emptyTest);
        if (emptyTrain + emptyTest > 0)
            context.Log($"WARN {emptyTrain + emptyTest} texts have no token besides BOS/EOS/PAD; they pool to zeros (SAEBench's mean would be NaN)");
        context.Log($"pooled {train.Rows:N0} train and {test.Rows:N0} test texts (d {cache.DIn}) in {clock.Elapsed.TotalSeconds:F1} s");
        return (train, test);
    }

    /// <summary>
    /// Every seed's probes for the task's sets: per seed, SCR's six probes of each usable pair or TPP's class probes, each
    /// run drawing from its own stream (seed, task, data set, run), so adding a seed or a pair leaves the others as they were.
    /// </summary>
    /// <param name="context">Positions per text in SAEBench's padded batches, recorded for the evaluations.</param>
    /// <param name="ranRun">Called after each run with the number done so far.</param>
    public static (ProbeFile File, Dictionary<string, LinearProbe> Probes) TrainAll(
        TrainProbesParams p, ProbeSetFile sets, PooledRows train, PooledRows test, int dIn, int context, Action<int, ProbeRun>? ranRun = null)
    {
        var data = new ProbeData(sets, train, test);
        var probes = new Dictionary<string, LinearProbe>();
        var seeds = new List<ProbeSeedRuns>();
        int done = 0;
        foreach (long seed in p.Seeds)
        {
            var runs = new List<(ProbeRun Run, Dictionary<string, LinearProbe> Probes)>();
            if (p.Task == ProbeSelection.Scr)
                foreach (var pair in sets.Pairs!.Where(x => x.Skipped is null))
                    runs.Add(ScrProbes.Train(data, pair, seed, p.Settings, SplitMix64.For(seed, $"scr/{p.Dataset}/{pair.Name}")));
            else
            {
                var seedRows = sets.Seeds!.FirstOrDefault(s => s.Seed == seed)
                               ?? throw new PipelineException($"the {sets.Dataset} TPP sets have no rows for seed {seed}; the cache does not match this plan");
                runs.Add(TppProbes.Train(data, seedRows, p.Dataset, p.Settings, SplitMix64.For(seed, $"tpp/{p.Dataset}")));
            }
            foreach (var (run, trained) in runs)
            {
                foreach (var (id, probe) in trained) probes[id] = probe;
                ranRun?.Invoke(++done, run);
            }
            seeds.Add(new ProbeSeedRuns(seed, runs.Select(r => r.Run).ToList()));
        }
        var file = new ProbeFile
        {
            Task = p.Task, Dataset = p.Dataset, JsonName = sets.JsonName, DIn = dIn, Context = context, Settings = p.Settings, Seeds = seeds,
        };
        return (file, probes);
    }

    static string Describe(ProbeRun run) =>
        $"{run.Name}: test accuracy {string.Join(" ", run.Probes.Select(x => x.TestAccuracy.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}";
}
