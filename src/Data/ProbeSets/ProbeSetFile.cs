namespace SaePipeline.Data.ProbeSets;

/// <summary>
/// One probe class's texts, as row numbers of the data set's train and test splits (which are the <c>doc</c> column
/// of the labelled cache). <see cref="Key"/> is SAEBench's name for the class: an SCR key such as
/// "male_professor / female_nurse", or a TPP class value such as "21".
/// </summary>
public sealed record ProbeClassRows(string Key, IReadOnlyList<int> Train, IReadOnlyList<int> Test);

/// <summary>Rows per (target, spurious) quadrant of a split, in the order P∧S+, P∧S−, N∧S+, N∧S−.</summary>
public sealed record QuadrantCounts(int PositiveSpuriousPositive, int PositiveSpuriousNegative, int NegativeSpuriousPositive, int NegativeSpuriousNegative);

/// <summary>
/// One SCR run (a class pair of one data set): its six keyed row lists in SAEBench's key order, or why it was skipped.
/// <see cref="Name"/> is SAEBench's run suffix, "professor_nurse".
/// </summary>
public sealed record ScrPairRows
{
    public required string Name { get; init; }
    public required LabelClass Positive { get; init; }
    public required LabelClass Negative { get; init; }
    public required QuadrantCounts TrainQuadrants { get; init; }
    public required QuadrantCounts TestQuadrants { get; init; }

    /// <summary>Why the pair was left out (too few rows in some quadrant), or null.</summary>
    public string? Skipped { get; init; }

    /// <summary>The six keys of <see cref="ScrKeys.All"/>, in that order; empty when skipped.</summary>
    public required IReadOnlyList<ProbeClassRows> Keys { get; init; }

    public ProbeClassRows Key(string key) => Keys.First(k => k.Key == key);
}

/// <summary>The TPP classes of one seed (TPP's rows are a seeded sample, so each seed has its own), and the classes left out.</summary>
public sealed record TppSeedRows(long Seed, IReadOnlyList<ProbeClassRows> Classes, IReadOnlyList<string> Skipped);

/// <summary>
/// <c>probe_sets.json</c> of a labelled cache made for one evaluation: which rows of which split each probe class
/// uses. Written by CacheActivations (which caches exactly the union of these rows), read by TrainProbes and the
/// evaluations, so every stage sees the same sets.
/// </summary>
public sealed record ProbeSetFile
{
    public const string FileName = "probe_sets.json";

    /// <summary>"scr", "tpp" or "sparse_probing".</summary>
    public required string Task { get; init; }

    /// <summary>The data set's name in pipeline.yaml, and the name SAEBench's JSON uses for it.</summary>
    public required string Dataset { get; init; }
    public required string JsonName { get; init; }

    /// <summary>The data set's kind (bias_in_bios, amazon_reviews).</summary>
    public required string Kind { get; init; }

    /// <summary>Rows per class in each split (SAEBench's train_set_size/4 and test_set_size/4).</summary>
    public required int TrainPerGroup { get; init; }
    public required int TestPerGroup { get; init; }

    public IReadOnlyList<ScrPairRows>? Pairs { get; init; }
    public IReadOnlyList<TppSeedRows>? Seeds { get; init; }

    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<SparseProbingSubsetRows>? SparseProbing { get; init; }

    /// <summary>Every row any set uses, per split, ascending.</summary>
    public IReadOnlyList<int> RowsOf(string split)
    {
        IEnumerable<ProbeClassRows> all = (Pairs ?? []).SelectMany(p => p.Keys).Concat((Seeds ?? []).SelectMany(s => s.Classes))
            .Concat((SparseProbing ?? []).SelectMany(s => s.Seeds).SelectMany(s => s.Classes));
        return all.SelectMany(k => split == DatasetSource.Train ? k.Train : k.Test).Distinct().Order().ToList();
    }
}
