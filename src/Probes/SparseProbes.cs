using SaePipeline.Config;
using SaePipeline.Data.ProbeSets;
using SaePipeline.Runtime;

namespace SaePipeline.Probes;

/// <summary>One class's sparse-probing accuracies: the full-width probe's best test accuracy and the top-k probes' test accuracies.</summary>
public sealed record SparseProbeResult(string Class, double TestAccuracy, IReadOnlyDictionary<int, double> TopK);

/// <summary>
/// SAEBench's sparse probing of one data set and seed (docs/saebench.md §3), on mean-pooled vectors of either the language
/// model (d_model) or an SAE's latents (d_sae): for each class, a one-vs-rest full-width probe (<see cref="ProbeTrainer"/>
/// with sparse probing's settings; its best test accuracy is reported, SAEBench's choice) and, for each k, a logistic
/// regression on the k dimensions whose class means differ most on the train split (<see cref="TopKDimensions"/>).
/// As in SAEBench, every probe draws fresh negatives for train and test (prepare_probe_data is called anew per probe).
/// </summary>
public static class SparseProbes
{
    public static IReadOnlyList<SparseProbeResult> Run(ProbeData data, TppSeedRows rows, ProbeSettings settings, IReadOnlyList<int> kValues, SplitMix64 random)
    {
        var trainClasses = rows.Classes.Select(c => (IReadOnlyList<int>)data.TrainRows(c)).ToList();
        var testClasses = rows.Classes.Select(c => (IReadOnlyList<int>)data.TestRows(c)).ToList();
        var results = new List<SparseProbeResult>();
        for (int i = 0; i < rows.Classes.Count; i++)
        {
            var train = ProbeExamplesBuilder.OneVsRest(trainClasses, i, random);
            var test = ProbeExamplesBuilder.OneVsRest(testClasses, i, random);
            var full = ProbeTrainer.Train(data.Train, train, data.Test, test, settings, random);
            var topK = new SortedDictionary<int, double>();
            foreach (int k in kValues)
            {
                var kTrain = ProbeExamplesBuilder.OneVsRest(trainClasses, i, random);
                var kTest = ProbeExamplesBuilder.OneVsRest(testClasses, i, random);
                topK[k] = TopKDimensions.TopKProbe(data.Train, kTrain, data.Test, kTest, Math.Min(k, data.Train.Dim)).TestAccuracy;
            }
            results.Add(new SparseProbeResult(rows.Classes[i].Key, full.TestAccuracy, topK));
        }
        return results;
    }
}
