using SaePipeline.Runtime;

namespace SaePipeline.Data.ProbeSets;

/// <summary>
/// TPP's data construction (SAEBench <c>get_balanced_dataset</c>, docs/saebench.md §2.4), one split at a time: for each
/// chosen target class, the rows of each spurious class (gender, rating; in sorted order, as pandas' groupby gives
/// them) that hold at least n rows each, sampled with <c>DataFrame.sample(n, random_state=seed)</c>; a class needs two
/// or more spurious groups and n rows in the smallest. <see cref="NumpyRandomState.PandasSample"/> draws the very
/// rows pandas draws, so with the real data set files the sets are SAEBench's. A class SAEBench would leave out (too
/// few rows in one split) is skipped with a reason; SAEBench itself would then fail on the missing class.
/// </summary>
public static class TppSets
{
    public static TppSeedRows Build(ConceptColumns columns, TextTable train, TextTable test, IReadOnlyList<LabelClass> classes,
                                    int trainPerGroup, int testPerGroup, long seed)
    {
        var kept = new List<ProbeClassRows>();
        var skipped = new List<string>();
        foreach (var c in classes)
        {
            var (trainRows, trainProblem) = Balanced(columns, train, c, trainPerGroup, seed);
            var (testRows, testProblem) = Balanced(columns, test, c, testPerGroup, seed);
            if ((trainProblem ?? testProblem) is { } problem)
                skipped.Add($"class {c.Name} ({columns.Target} {c.Value}): {(trainProblem is null ? "test" : "train")} split {problem}");
            else kept.Add(new ProbeClassRows(c.Value, trainRows!, testRows!));
        }
        return new TppSeedRows(seed, kept, skipped);
    }

    /// <summary>n rows of each spurious group of one target class, group by group, each group's sample in pandas' order.</summary>
    static (int[]? Rows, string? Problem) Balanced(ConceptColumns columns, TextTable table, LabelClass target, int n, long seed)
    {
        var targetValues = table.Label(columns.Target).Values;
        var spurious = table.Label(columns.Spurious);
        var groups = new SortedDictionary<string, List<int>>(Comparer<string>.Create(CompareClassNames(spurious.Kind)));
        for (int row = 0; row < table.Count; row++)
            if (targetValues[row] == target.Value)
            {
                if (!groups.TryGetValue(spurious.Values[row], out var rows)) groups[spurious.Values[row]] = rows = [];
                rows.Add(row);
            }
        if (groups.Count < 2)
            return (null, $"has {groups.Count} {columns.Spurious} group{(groups.Count == 1 ? "" : "s")} of this class; balancing needs two");
        if (groups.Values.Min(g => g.Count) < n)
            return (null, $"has {string.Join(", ", groups.Select(g => $"{g.Value.Count} rows of {columns.Spurious} {g.Key}"))}; needs {n} of each");
        return (groups.Values.SelectMany(g => NumpyRandomState.PandasSample(g.Count, n, seed).Select(i => g[i])).ToArray(), null);
    }

    /// <summary>pandas sorts group keys by value: numbers numerically, strings ordinally.</summary>
    static Comparison<string> CompareClassNames(LabelKind kind) => kind == LabelKind.String
        ? string.CompareOrdinal
        : (a, b) => double.Parse(a, System.Globalization.CultureInfo.InvariantCulture).CompareTo(double.Parse(b, System.Globalization.CultureInfo.InvariantCulture));
}
