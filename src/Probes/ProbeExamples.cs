using SaePipeline.Activations.Labelled;
using SaePipeline.Runtime;

namespace SaePipeline.Probes;

/// <summary>
/// SAEBench's <c>prepare_probe_data</c> (docs/saebench.md §2.6): which rows a probe is trained or scored on.
/// <list type="bullet">
/// <item>SCR (<see cref="Paired"/>): the positives are all rows of a key, the negatives its paired key's rows, of
///   which a random n_pos are taken (all of them: SCR's keys have equal sizes).</item>
/// <item>TPP and sparse probing (<see cref="OneVsRest"/>): the positives are all rows of a class; from each other class
///   a random ceil(n_pos/(m−1)) rows, pooled, then a random n_pos of the pool. The negatives are redrawn on every
///   call, so SAEBench's clean and ablated TPP accuracies see different negatives; that noise is kept.</item>
/// </list>
/// SAEBench draws with torch.randperm; we draw the same kind of permutations from our own seeded stream (exact torch
/// RNG parity would also need SAEBench's exact call sequence, which its probe caching makes SAE-dependent). SAEBench
/// finally shuffles the combined set once; the trainer reshuffles every epoch and accuracies do not depend on order,
/// so that shuffle is left out.
/// </summary>
public static class ProbeExamplesBuilder
{
    public static ProbeExamples Paired(IReadOnlyList<int> positives, IReadOnlyList<int> negatives, SplitMix64 random) =>
        Combine(positives, Permutation(negatives.Count, random).Take(positives.Count).Select(i => negatives[i]).ToList());

    /// <param name="classes">Every class's rows, in the evaluation's class order.</param>
    /// <param name="target">The index of the positive class in <paramref name="classes"/>.</param>
    public static ProbeExamples OneVsRest(IReadOnlyList<IReadOnlyList<int>> classes, int target, SplitMix64 random)
    {
        var positives = classes[target];
        int others = classes.Count - 1;
        int perClass = (positives.Count + others - 1) / others;
        var pool = new List<int>();
        for (int c = 0; c < classes.Count; c++)
            if (c != target)
                pool.AddRange(Permutation(classes[c].Count, random).Take(perClass).Select(i => classes[c][i]));
        return Combine(positives, Permutation(pool.Count, random).Take(positives.Count).Select(i => pool[i]).ToList());
    }

    static ProbeExamples Combine(IReadOnlyList<int> positives, IReadOnlyList<int> negatives)
    {
        var rows = positives.Concat(negatives).ToArray();
        var labels = new float[rows.Length];
        Array.Fill(labels, 1f, 0, positives.Count);
        return new ProbeExamples(rows, labels);
    }

    /// <summary>0 … n−1 in random order (Fisher–Yates).</summary>
    public static int[] Permutation(int n, SplitMix64 random)
    {
        var items = Enumerable.Range(0, n).ToArray();
        random.Shuffle(items);
        return items;
    }
}
