using SaePipeline.Data.ProbeSets;
using SaePipeline.Runtime;

namespace SaePipeline.Probes;

/// <summary>
/// One binary task of the sae-probes protocol: a class of a sparse-probing data set against the data set's other
/// classes (one task for a two-class data set), train and test each balanced 50/50 (as sae-probes draws them, pos_ratio 0.5) and capped, rows shuffled.
/// Rows index the split's texts in the order of <see cref="ProbeSetFile.RowsOf"/>, the order of
/// <see cref="LastTokenActivations"/>.
/// </summary>
public sealed record SaeProbesTask(string Name, int[] TrainRows, float[] TrainLabels, int[] TestRows, float[] TestLabels)
{
    /// <summary>Every task of every seed of the sets' sparse-probing data sets (or of <paramref name="subsets"/> only), in a fixed order.</summary>
    public static IEnumerable<(long Seed, SaeProbesTask Task)> OfSets(ProbeSetFile sets, IReadOnlyCollection<string>? subsets, int maxTrain, int maxTest)
    {
        var index = new[] { Data.DatasetSource.Train, Data.DatasetSource.Test }.ToDictionary(
            split => split, split => sets.RowsOf(split).Select((doc, row) => (doc, row)).ToDictionary(x => x.doc, x => x.row));
        foreach (var subset in (sets.SparseProbing ?? []).Where(s => subsets is null || subsets.Contains(s.Subset)))
            foreach (var seed in subset.Seeds)
                foreach (var task in Of(subset, seed, maxTrain, maxTest, (split, doc) => index[split][doc]))
                    yield return (seed.Seed, task);
    }

    /// <param name="rowIndex">Per split, each text's (doc number's) row in that split's activations.</param>
    public static IEnumerable<SaeProbesTask> Of(SparseProbingSubsetRows subset, TppSeedRows seed, int maxTrain, int maxTest,
                                                 Func<string, int, int> rowIndex)
    {
        // With two classes, "a against the rest" and "b against the rest" are one task with its labels flipped: the same
        // ranking, probes and scores. sae-probes has one task per binary data set, so count it once.
        foreach (var cls in seed.Classes.Count == 2 ? seed.Classes.Take(1) : seed.Classes)
        {
            var random = SplitMix64.For(seed.Seed, $"sae-probes/{subset.Subset}/{cls.Key}");
            var (trainRows, trainLabels) = Balanced(cls.Train, seed.Classes.Where(c => c != cls).SelectMany(c => c.Train), maxTrain, random,
                                                    doc => rowIndex(Data.DatasetSource.Train, doc));
            var (testRows, testLabels) = Balanced(cls.Test, seed.Classes.Where(c => c != cls).SelectMany(c => c.Test), maxTest, random,
                                                  doc => rowIndex(Data.DatasetSource.Test, doc));
            if (trainRows.Length < 2 || testRows.Length < 2) continue;
            yield return new SaeProbesTask($"{subset.JsonName}/{cls.Key}", trainRows, trainLabels, testRows, testLabels);
        }
    }

    static (int[] Rows, float[] Labels) Balanced(IEnumerable<int> positives, IEnumerable<int> negatives, int max, SplitMix64 random, Func<int, int> row)
    {
        var pos = positives.Distinct().ToList();
        var neg = negatives.Distinct().Except(pos).ToList();
        int each = Math.Min(Math.Min(pos.Count, neg.Count), max / 2);
        random.Shuffle(pos);
        random.Shuffle(neg);
        var rows = pos.Take(each).Select(d => (Row: row(d), Label: 1f)).Concat(neg.Take(each).Select(d => (Row: row(d), Label: 0f))).ToList();
        random.Shuffle(rows);
        return (rows.Select(r => r.Row).ToArray(), rows.Select(r => r.Label).ToArray());
    }
}
