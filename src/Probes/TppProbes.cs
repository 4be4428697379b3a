using SaePipeline.Activations.Labelled;
using SaePipeline.Config;
using SaePipeline.Data.ProbeSets;
using SaePipeline.Runtime;

namespace SaePipeline.Probes;

/// <summary>
/// The SAE-independent half of TPP on one data set (docs/saebench.md §2.4, §2.6): one probe per class, each against
/// random rows of the other classes, then each probe's clean test accuracy on freshly drawn negatives (SAEBench
/// recomputes them with get_probe_test_accuracy, so they are not the training run's best test accuracies).
/// </summary>
public static class TppProbes
{
    public static (ProbeRun Run, Dictionary<string, LinearProbe> Probes) Train(
        ProbeData data, TppSeedRows seedRows, string runName, ProbeSettings settings, SplitMix64 random)
    {
        var trainClasses = seedRows.Classes.Select(c => (IReadOnlyList<int>)data.TrainRows(c)).ToList();
        var testClasses = TestClasses(data, seedRows);
        var records = new List<ProbeRecord>();
        var probes = new Dictionary<string, LinearProbe>();
        for (int i = 0; i < seedRows.Classes.Count; i++)
        {
            var train = ProbeExamplesBuilder.OneVsRest(trainClasses, i, random);
            var test = ProbeExamplesBuilder.OneVsRest(testClasses, i, random);
            var trained = ProbeTrainer.Train(data.Train, train, data.Test, test, settings, random);
            string key = seedRows.Classes[i].Key, id = ProbeFile.TensorId(seedRows.Seed, runName, key);
            probes[id] = trained.Probe;
            records.Add(new ProbeRecord(id, key, "rest", trained.TrainAccuracy, trained.TestAccuracy, trained.BestEpoch, trained.Epochs, train.Count, test.Count));
        }
        var clean = new Dictionary<string, double>();
        for (int j = 0; j < seedRows.Classes.Count; j++)
            clean[seedRows.Classes[j].Key] = probes[records[j].Id].Accuracy(data.Test, ProbeExamplesBuilder.OneVsRest(testClasses, j, random));
        return (new ProbeRun(runName, records, clean), probes);
    }

    public static List<IReadOnlyList<int>> TestClasses(ProbeData data, TppSeedRows seedRows) =>
        seedRows.Classes.Select(c => (IReadOnlyList<int>)data.TestRows(c)).ToList();
}
