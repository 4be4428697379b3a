using System.Globalization;
using SaePipeline.Runtime;

namespace SaePipeline.Data.ProbeSets;

/// <summary>The classes of one sparse-probing data set, per seed (each seed samples its own texts, as SAEBench's random_seed does).</summary>
public sealed record SparseProbingSubsetRows(string Subset, string JsonName, IReadOnlyList<TppSeedRows> Seeds);

/// <summary>
/// Sparse probing's data construction (SAEBench <c>get_multi_label_train_test_data</c>), one split at a time. Balanced
/// data sets draw train_set_size/4 texts per (class, group) exactly as TPP does (<see cref="TppSets"/>); the others draw
/// train_set_size/2 texts per class with pandas' <c>sample(n, random_state=seed)</c>, which SAEBench's ag_news and
/// amazon-sentiment loaders use. SAEBench's github-code and europarl loaders instead shuffle a streamed prefix with
/// Python's <c>random</c> and split it into train and test; we draw from the data set's own train and test splits
/// with the same pandas sampler, so those two subsets' texts cannot match SAEBench's row for row (neither can a
/// streamed prefix be reproduced offline).
/// </summary>
public static class SparseProbingSets
{
    public static TppSeedRows Build(SparseProbingSubset subset, TextTable train, TextTable test, int trainSetSize, int testSetSize, long seed)
    {
        if (subset.BalancedBy is not null)
        {
            var columns = ConceptColumns.For(subset.Kind.Name)
                          ?? throw new PipelineException($"{subset.Id}: {subset.Kind.Name} data has no balancing column", subset.Id);
            var classes = subset.Classes.Select(c => columns.FindTarget(c)
                                                     ?? throw new PipelineException($"{subset.Id}: '{c}' is not a {columns.Target} of {subset.Kind.Name} data", subset.Id)).ToList();
            return TppSets.Build(columns, train, test, classes, trainSetSize / 4, testSetSize / 4, seed);
        }
        var kept = new List<ProbeClassRows>();
        var skipped = new List<string>();
        foreach (var c in subset.Classes)
        {
            var (trainRows, trainProblem) = Sampled(train, subset.Label, c, trainSetSize / 2, seed);
            var (testRows, testProblem) = Sampled(test, subset.Label, c, testSetSize / 2, seed);
            if ((trainProblem ?? testProblem) is { } problem)
                skipped.Add($"class {c}: {(trainProblem is null ? "test" : "train")} split {problem}");
            else kept.Add(new ProbeClassRows(c, trainRows!, testRows!));
        }
        return new TppSeedRows(seed, kept, skipped);
    }

    /// <summary>n rows of one class, in the order pandas' sample returns them.</summary>
    static (int[]? Rows, string? Problem) Sampled(TextTable table, string label, string value, int n, long seed)
    {
        var column = table.Label(label);
        var rows = new List<int>();
        for (int row = 0; row < table.Count; row++)
            if (SameClass(column, column.Values[row], value)) rows.Add(row);
        if (rows.Count < n) return (null, $"has {rows.Count} rows of {label} {value}; needs {n}");
        return (NumpyRandomState.PandasSample(rows.Count, n, seed).Select(i => rows[i]).ToArray(), null);
    }

    /// <summary>Float labels compare as numbers, so a file's "5" and SAEBench's "5.0" are one class.</summary>
    static bool SameClass(LabelColumn column, string a, string b) =>
        column.Kind == LabelKind.Float
            ? double.Parse(a, CultureInfo.InvariantCulture) == double.Parse(b, CultureInfo.InvariantCulture)
            : a == b;
}
