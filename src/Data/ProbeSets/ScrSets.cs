namespace SaePipeline.Data.ProbeSets;

/// <summary>SAEBench's six SCR keys (dataset_info.PAIRED_CLASS_KEYS and dataset_creation), whatever the data set: for
/// amazon reviews "male" means rating 1.0 and "professor" the first category of the pair.</summary>
public static class ScrKeys
{
    /// <summary>S+ texts of both target classes (the spurious probe's positives) and its negatives, S− texts.</summary>
    public const string Spurious = "male / female", SpuriousNegatives = "female_data_only";

    /// <summary>P texts of both spurious classes (the target probe's positives) and its negatives, N texts.</summary>
    public const string Target = "professor / nurse", TargetNegatives = "nurse_data_only";

    /// <summary>P∧S+ texts (the biased probe's positives) and N∧S− texts, its negatives.</summary>
    public const string Biased = "male_professor / female_nurse", BiasedNegatives = "female_nurse_data_only";

    /// <summary>SAEBench's key order: the six probes are trained in this order.</summary>
    public static readonly IReadOnlyList<string> All = [Spurious, SpuriousNegatives, Target, TargetNegatives, Biased, BiasedNegatives];

    /// <summary>The keys whose probes SCR uses ("chosen classes"); each is paired with the next key of <see cref="All"/>.</summary>
    public static readonly IReadOnlyList<string> Chosen = [Spurious, Target, Biased];

    /// <summary>The key a probe is trained against: chosen keys pair with their *_data_only key and back.</summary>
    public static string Paired(string key) => key switch
    {
        Spurious => SpuriousNegatives,
        SpuriousNegatives => Spurious,
        Target => TargetNegatives,
        TargetNegatives => Target,
        Biased => BiasedNegatives,
        BiasedNegatives => Biased,
        _ => throw new ArgumentException($"'{key}' is not an SCR key", nameof(key)),
    };
}

/// <summary>
/// SCR's data construction (SAEBench <c>get_spurious_corr_data</c>, docs/saebench.md §2.3), one split at a time. With
/// (P, N) the pair of target classes and (S+, S−) the spurious ones, the four quadrants are filtered <em>in file
/// order, with no sampling</em>, and the keys take their first n (or 2n) rows:
/// <code>
///   male / female                  (P∧S+)[:n] + (N∧S+)[:n]     female_data_only        (P∧S−)[:n] + (N∧S−)[:n]
///   professor / nurse              (P∧S+)[:n] + (P∧S−)[:n]     nurse_data_only         (N∧S+)[:n] + (N∧S−)[:n]
///   male_professor / female_nurse  (P∧S+)[:2n]                 female_nurse_data_only  (N∧S−)[:2n]
/// </code>
/// SAEBench asserts every quadrant has at least n rows and P∧S+ and N∧S− strictly more than 2n; a pair that misses
/// in either split is skipped here, with the counts, instead of stopping the run. SAEBench then shuffles each list
/// with NumPy's default_rng(seed); that changes only the order, which nothing downstream depends on except the
/// probes' random minibatches (drawn by our own generator anyway), so the lists stay in file order.
/// </summary>
public static class ScrSets
{
    public static ScrPairRows Build(ConceptColumns columns, TextTable train, TextTable test, LabelClass positive, LabelClass negative,
                                    int trainPerQuadrant, int testPerQuadrant)
    {
        var trainQuadrants = Quadrants(columns, train, positive, negative);
        var testQuadrants = Quadrants(columns, test, positive, negative);
        string name = $"{positive.Name}_{negative.Name}";
        var trainCounts = Counts(trainQuadrants);
        var testCounts = Counts(testQuadrants);
        string[] names = [$"{positive.Name}∧{columns.SpuriousPositive.Name}", $"{positive.Name}∧{columns.SpuriousNegative.Name}",
                          $"{negative.Name}∧{columns.SpuriousPositive.Name}", $"{negative.Name}∧{columns.SpuriousNegative.Name}"];
        string? problem = Shortfall("train", trainCounts, trainPerQuadrant, names) ?? Shortfall("test", testCounts, testPerQuadrant, names);
        if (problem is not null)
            return new ScrPairRows
            {
                Name = name, Positive = positive, Negative = negative, TrainQuadrants = trainCounts, TestQuadrants = testCounts,
                Skipped = problem, Keys = [],
            };
        var trainKeys = Keys(trainQuadrants, trainPerQuadrant);
        var testKeys = Keys(testQuadrants, testPerQuadrant);
        return new ScrPairRows
        {
            Name = name, Positive = positive, Negative = negative, TrainQuadrants = trainCounts, TestQuadrants = testCounts,
            Keys = ScrKeys.All.Select(k => new ProbeClassRows(k, trainKeys[k], testKeys[k])).ToList(),
        };
    }

    /// <summary>Row numbers of P∧S+, P∧S−, N∧S+, N∧S−, each in file order.</summary>
    static List<int>[] Quadrants(ConceptColumns columns, TextTable table, LabelClass positive, LabelClass negative)
    {
        var target = table.Label(columns.Target).Values;
        var spurious = table.Label(columns.Spurious).Values;
        var quadrants = new[] { new List<int>(), new List<int>(), new List<int>(), new List<int>() };
        for (int row = 0; row < table.Count; row++)
        {
            int t = target[row] == positive.Value ? 0 : target[row] == negative.Value ? 2 : -1;
            int s = spurious[row] == columns.SpuriousPositive.Value ? 0 : spurious[row] == columns.SpuriousNegative.Value ? 1 : -1;
            if (t >= 0 && s >= 0) quadrants[t + s].Add(row);
        }
        return quadrants;
    }

    static QuadrantCounts Counts(List<int>[] q) => new(q[0].Count, q[1].Count, q[2].Count, q[3].Count);

    /// <param name="names">The quadrants' names in QuadrantCounts order, e.g. "nurse∧male".</param>
    static string? Shortfall(string split, QuadrantCounts c, int n, string[] names)
    {
        int[] counts = [c.PositiveSpuriousPositive, c.PositiveSpuriousNegative, c.NegativeSpuriousPositive, c.NegativeSpuriousNegative];
        bool enough = counts.Min() >= n && counts[0] > 2 * n && counts[3] > 2 * n;
        return enough ? null
            : $"the {split} split has {string.Join(", ", names.Select((q, i) => $"{counts[i]} {q}"))}; SCR needs at least {n} texts " +
              $"in every quadrant and more than {2 * n} in {names[0]} and {names[3]}";
    }

    static Dictionary<string, int[]> Keys(List<int>[] q, int n)
    {
        int[] First(List<int> rows, int count) => rows.Take(count).ToArray();
        var (pp, pn, np, nn) = (q[0], q[1], q[2], q[3]);
        return new Dictionary<string, int[]>
        {
            [ScrKeys.Spurious] = [.. First(pp, n), .. First(np, n)],
            [ScrKeys.SpuriousNegatives] = [.. First(pn, n), .. First(nn, n)],
            [ScrKeys.Target] = [.. First(pp, n), .. First(pn, n)],
            [ScrKeys.TargetNegatives] = [.. First(np, n), .. First(nn, n)],
            [ScrKeys.Biased] = First(pp, 2 * n),
            [ScrKeys.BiasedNegatives] = First(nn, 2 * n),
        };
    }
}
