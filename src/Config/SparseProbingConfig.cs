using SaePipeline.Data.ProbeSets;

namespace SaePipeline.Config;

/// <summary>
/// <c>evals.sparse_probing:</c> SAEBench's sparse probing (docs/saebench.md §3): for each class of each data set a
/// one-vs-rest probe on the mean-pooled activations of the language model and of the SAE's latents, full width and on
/// the k dimensions whose class means differ most. The language model's side is computed once (TrainProbes); only
/// the SAE's side runs per SAE. Repeated over <c>evals.seeds</c>.
/// </summary>
public sealed record SparseProbingConfig : IValidatedConfig
{
    /// <summary>SAEBench's eight data sets (ids of <see cref="SparseProbingSubsets"/>), in its order.</summary>
    [MinCount(1)]
    public IReadOnlyList<string> Datasets { get; init; } = SparseProbingSubsets.All.Select(s => s.Id).ToList();

    /// <summary>
    /// Which data set under datasets: (or built-in name) each source kind is read from; unset kinds read the data set
    /// named like the kind (bias_in_bios, amazon_reviews, github_code, ag_news, europarl), built in unless listed.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Sources { get; init; }

    /// <summary>Dimensions of the top-k probes (SAEBench: 1, 2, 5; its JSON has keys for 1, 2, 5, 10, 20, 50, 100).</summary>
    [MinCount(1)]
    public IReadOnlyList<int> KValues { get; init; } = [1, 2, 5];

    /// <summary>Texts per one-vs-rest probe (SAEBench's probe_train_set_size and probe_test_set_size: 4000, 1000).</summary>
    [Min(4)] public int TrainSetSize { get; init; } = 4000;
    [Min(4)] public int TestSetSize { get; init; } = 1000;

    /// <summary>SAEBench's full-width probe: minibatch, epochs, learning rate, patience (no L1 penalty).</summary>
    [Min(1)] public int ProbeBatchSize { get; init; } = 250;
    [Min(1)] public int ProbeEpochs { get; init; } = 100;
    [GreaterThan(0)] public double ProbeLr { get; init; } = 1e-2;
    [Min(1)] public int ProbeEarlyStoppingPatience { get; init; } = 10;

    public static readonly IReadOnlyList<int> SaeBenchKValues = [1, 2, 5, 10, 20, 50, 100];

    /// <summary>The data set each of this config's subsets reads, grouped: one labelled cache and one TrainProbes item per source.</summary>
    public IEnumerable<(string Source, IReadOnlyList<SparseProbingSubset> Subsets)> SourcesOfSubsets() =>
        Datasets.Select(SparseProbingSubsets.Find).OfType<SparseProbingSubset>()
            .GroupBy(s => Sources?.GetValueOrDefault(s.Kind.Name) ?? s.Kind.Name)
            .Select(g => (g.Key, (IReadOnlyList<SparseProbingSubset>)g.ToList()));

    public ProbeSettings ProbeSettings => new()
    {
        TrainSetSize = TrainSetSize, TestSetSize = TestSetSize, TrainBatchSize = ProbeBatchSize, Epochs = ProbeEpochs,
        EarlyStoppingPatience = ProbeEarlyStoppingPatience, Lr = ProbeLr, L1Penalty = 0,
    };

    public void Validate(ConfigValidation v)
    {
        foreach (var id in Datasets.Where(d => SparseProbingSubsets.Find(d) is null))
            v.Error("datasets", $"'{id}' is not one of SAEBench's sparse-probing data sets ({string.Join(", ", SparseProbingSubsets.All.Select(s => s.Id))})");
        if (Datasets.Distinct().Count() != Datasets.Count) v.Error("datasets", "a data set is listed twice", ConfigCodes.DuplicateName);
        var unknown = KValues.Where(k => !SaeBenchKValues.Contains(k)).ToList();
        if (unknown.Count > 0)
            v.Error("k_values", $"{string.Join(", ", unknown)}: SAEBench's JSON has keys only for k in {string.Join(", ", SaeBenchKValues)}");
        if (KValues.Distinct().Count() != KValues.Count) v.Error("k_values", "a value is listed twice", ConfigCodes.DuplicateName);
        var kinds = Data.DatasetKind.All.Select(k => k.Name).ToHashSet();
        foreach (var kind in (Sources ?? new Dictionary<string, string>()).Keys.Where(k => !kinds.Contains(k)))
            v.Error("sources", $"'{kind}' is not a data set kind ({string.Join(", ", SparseProbingSubsets.All.Select(s => s.Kind.Name).Distinct())})");
    }
}
