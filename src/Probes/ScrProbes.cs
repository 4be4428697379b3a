using SaePipeline.Activations.Labelled;
using SaePipeline.Config;
using SaePipeline.Data.ProbeSets;
using SaePipeline.Runtime;

namespace SaePipeline.Probes;

/// <summary>
/// The SAE-independent half of one SCR run (SAEBench's run_eval_single_dataset with perform_scr, docs/saebench.md §2.6):
/// six probes, one per key against its paired key, in SAEBench's key order; then the clean accuracies SCR scores
/// against, under SAEBench's keys: each chosen key's probe on its own test data ("professor / nurse": the oracle), and
/// each chosen key's probe on every other chosen key's test data ("male_professor / female_nurse probe on
/// professor / nurse data": the biased probe's baseline). Only the three chosen probes enter any score; the other
/// three are trained because SAEBench trains them (and objectives may want them).
/// </summary>
public static class ScrProbes
{
    public static (ProbeRun Run, Dictionary<string, LinearProbe> Probes) Train(
        ProbeData data, ScrPairRows pair, long seed, ProbeSettings settings, SplitMix64 random)
    {
        var records = new List<ProbeRecord>();
        var probes = new Dictionary<string, LinearProbe>();
        foreach (var key in ScrKeys.All)
        {
            string against = ScrKeys.Paired(key);
            var train = ProbeExamplesBuilder.Paired(data.TrainRows(pair.Key(key)), data.TrainRows(pair.Key(against)), random);
            var test = ProbeExamplesBuilder.Paired(data.TestRows(pair.Key(key)), data.TestRows(pair.Key(against)), random);
            var trained = ProbeTrainer.Train(data.Train, train, data.Test, test, settings, random);
            string id = ProbeFile.TensorId(seed, pair.Name, key);
            probes[key] = trained.Probe;
            records.Add(new ProbeRecord(id, key, against, trained.TrainAccuracy, trained.TestAccuracy, trained.BestEpoch, trained.Epochs, train.Count, test.Count));
        }
        var clean = new Dictionary<string, double>();
        foreach (var key in ScrKeys.Chosen)
            clean[key] = probes[key].Accuracy(data.Test, TestExamples(data, pair, key, random));
        foreach (var key in ScrKeys.Chosen)
        {
            var examples = TestExamples(data, pair, key, random);
            foreach (var other in ScrKeys.Chosen.Where(k => k != key))
                clean[CrossKey(other, key)] = probes[other].Accuracy(data.Test, examples);
        }
        return (new ProbeRun(pair.Name, records, clean), records.ToDictionary(r => r.Id, r => probes[r.Key]));
    }

    /// <summary>A chosen key's test examples: its rows against its paired key's (all of them; only the order is random).</summary>
    public static ProbeExamples TestExamples(ProbeData data, ScrPairRows pair, string key, SplitMix64 random) =>
        ProbeExamplesBuilder.Paired(data.TestRows(pair.Key(key)), data.TestRows(pair.Key(ScrKeys.Paired(key))), random);

    /// <summary>SAEBench's name for probe <paramref name="probeKey"/>'s accuracy on <paramref name="dataKey"/>'s test data.</summary>
    public static string CrossKey(string probeKey, string dataKey) => $"{probeKey} probe on {dataKey} data";
}
