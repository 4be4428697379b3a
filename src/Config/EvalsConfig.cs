namespace SaePipeline.Config;

/// <summary><c>evals.sae_dtype</c>: the model's dtype (SAEBench) or float32.</summary>
public enum EvalSaeDtype { Model, Float32 }

/// <summary>
/// <c>evals:</c> which evaluations run on every SAE. synthetic_recovery runs on planted features; scr and tpp run on a
/// model's activations when their section is present (<c>scr: {}</c> takes every default).
/// </summary>
public sealed record EvalsConfig : IValidatedConfig
{
    public SyntheticRecoveryConfig SyntheticRecovery { get; init; } = new();

    /// <summary>
    /// The seeds every probe-based evaluation is repeated with (SAEBench's <c>random_seed</c>, one run each). A seed
    /// changes the probes' initialisation and minibatches, TPP's sampled rows and its random negatives. The JSON's
    /// SAEBench keys hold the first seed's run; mean and standard deviation over all seeds go beside them.
    /// </summary>
    [MinCount(1)]
    public IReadOnlyList<long> Seeds { get; init; } = [42, 43, 44];

    /// <summary>The data and probe settings SCR and TPP share (SAEBench's ScrAndTppEvalConfig).</summary>
    public ProbeSettings Probes { get; init; } = new();

    /// <summary>
    /// The dtype an SAE is evaluated in (core, SCR, TPP, sparse probing): <c>model</c> casts it to the model's dtype,
    /// as SAEBench does (bf16 on Gemma-2), so the numbers are comparable with SAEBench's; <c>float32</c> keeps the
    /// trained precision. Statistics are accumulated in float32 or float64 either way.
    /// </summary>
    public EvalSaeDtype SaeDtype { get; init; } = EvalSaeDtype.Model;

    /// <summary>SAEBench's core evaluation (docs/saebench.md §1). Absent: not run.</summary>
    public CoreEvalConfig? Core { get; init; }

    /// <summary>Latents' normalised causal effect scores (Evals/Causal); needs evals.core. Absent: not run.</summary>
    public CausalEvalConfig? Causal { get; init; }

    /// <summary>SAEBench's sparse probing (docs/saebench.md §3). Absent: not run.</summary>
    public SparseProbingConfig? SparseProbing { get; init; }

    /// <summary>SAEBench's first-letter feature absorption (<see cref="AbsorptionConfig"/>). Absent: not run.</summary>
    public AbsorptionConfig? Absorption { get; init; }

    /// <summary>k-sparse probing in the sae-probes protocol (<see cref="SaeProbesConfig"/>); needs sparse_probing. Absent: not run.</summary>
    public SaeProbesConfig? SaeProbes { get; init; }

    /// <summary>Spurious correlation removal (docs/saebench.md §2.3, §2.9). Absent: not run.</summary>
    public ScrConfig? Scr { get; init; }

    /// <summary>Targeted probe perturbation (docs/saebench.md §2.4, §2.10). Absent: not run.</summary>
    public TppConfig? Tpp { get; init; }

    public void Validate(ConfigValidation v)
    {
        if (Seeds.Distinct().Count() != Seeds.Count) v.Error("seeds", "a seed is listed twice", ConfigCodes.DuplicateName);
        if (Seeds.Any(s => s is < 0 or > uint.MaxValue))
            v.Error("seeds", "seeds must lie in [0, 4294967295] (they seed NumPy's RandomState sampling, as in SAEBench)");
    }
}

/// <summary>EvaluateSynthetic: how planted features are matched to decoder directions, on the held-out rows.</summary>
public sealed record SyntheticRecoveryConfig
{
    /// <summary>A true feature counts as recovered when some decoder direction has at least this cosine with it.</summary>
    [Min(0), Max(1)]
    public double RecoveredCosine { get; init; } = 0.9;
}

/// <summary>
/// How SCR and TPP build their probe data and train their probes: SAEBench's ScrAndTppEvalConfig with its current
/// defaults (docs/saebench.md §2.1). Rows per class come from the set sizes: SCR takes train_set_size/4 texts per
/// quadrant, TPP train_set_size/4 per (class, spurious group); test likewise. The built-in data sets are smaller
/// worlds, so the default pipeline.yaml sets smaller sizes.
/// </summary>
public sealed record ProbeSettings
{
    /// <summary>Training texts per probe (SAEBench: 4000).</summary>
    [Min(4)] public int TrainSetSize { get; init; } = 4000;

    /// <summary>Test texts per probe (SAEBench: 1000).</summary>
    [Min(4)] public int TestSetSize { get; init; } = 1000;

    /// <summary>
    /// Minibatch of probe training. SAEBench says not to change it: a smaller batch learns the spurious signal more
    /// strongly (its paper's appendix; Chanin 2026, App. H sweeps it).
    /// </summary>
    [Min(1)] public int TrainBatchSize { get; init; } = 16;

    [Min(1)] public int Epochs { get; init; } = 20;

    /// <summary>Epochs without a better test accuracy before training stops (SAEBench sets it to the epoch count).</summary>
    [Min(1)] public int EarlyStoppingPatience { get; init; } = 20;

    /// <summary>AdamW learning rate (weight decay 0.01, PyTorch's default, as SAEBench).</summary>
    [GreaterThan(0)] public double Lr { get; init; } = 1e-3;

    /// <summary>L1 penalty on the probe's weights (not its bias), added to the BCE loss.</summary>
    [Min(0)] public double L1Penalty { get; init; } = 1e-3;
}

/// <summary>
/// SCR: for each class pair (P, N) of a data set, a probe trained on P∧S+ against N∧S− learns the spurious attribute
/// S too; zero-ablating the SAE latents most tied to S should restore its accuracy on the target classes. Scores per
/// number N of ablated latents.
/// </summary>
public sealed record ScrConfig : IValidatedConfig
{
    /// <summary>Labelled data sets (names under datasets:, or built-in names) of kind bias_in_bios or amazon_reviews.</summary>
    [MinCount(1)]
    public IReadOnlyList<string> Datasets { get; init; } = ["bias_in_bios", "amazon_reviews"];

    /// <summary>How many latents are ablated; SAEBench's JSON has keys for these values only.</summary>
    [MinCount(1)]
    public IReadOnlyList<int> NValues { get; init; } = ScrTppDefaults.NValues;

    /// <summary>
    /// Per data set, the target class pairs [P, N] by name ("professor", "Books") or value ("21"). Unset: SAEBench's
    /// four pairs of the data set's kind.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyList<string>>>? Pairs { get; init; }

    /// <summary>
    /// SAEBench quirk (docs/saebench.md §2.8): padding and special positions hold x = 0, but encode(0) need not be 0,
    /// so ablating a latent that fires on the zero vector shifts the pooled activation at every such position. True
    /// reproduces it (SAEBench's numbers); false leaves those positions out of the ablation.
    /// </summary>
    public bool PaddingLeak { get; init; } = true;

    public void Validate(ConfigValidation v)
    {
        ScrTppDefaults.CheckNValues(v, NValues);
        if (Datasets.Distinct().Count() != Datasets.Count) v.Error("datasets", "a data set is listed twice", ConfigCodes.DuplicateName);
        foreach (var (dataset, pairs) in Pairs ?? new Dictionary<string, IReadOnlyList<IReadOnlyList<string>>>())
        {
            if (!Datasets.Contains(dataset))
                v.Error("pairs", $"pairs are given for '{dataset}', which is not in scr.datasets ({string.Join(", ", Datasets)})", ConfigCodes.Inconsistent);
            foreach (var pair in pairs)
                if (pair.Count != 2 || pair[0] == pair[1])
                    v.Error("pairs", $"{dataset}: [{string.Join(", ", pair)}] is not a pair of two different classes");
            if (pairs.Count == 0) v.Error("pairs", $"{dataset}: no pairs; leave the entry out for SAEBench's pairs");
        }
    }
}

/// <summary>
/// TPP: one probe per class (one against the rest); ablating the latents most tied to class i should hurt probe i
/// and leave the others alone. Scores per number N of ablated latents.
/// </summary>
public sealed record TppConfig : IValidatedConfig
{
    /// <summary>Labelled data sets of kind bias_in_bios or amazon_reviews.</summary>
    [MinCount(1)]
    public IReadOnlyList<string> Datasets { get; init; } = ["bias_in_bios", "amazon_reviews"];

    [MinCount(1)]
    public IReadOnlyList<int> NValues { get; init; } = ScrTppDefaults.NValues;

    /// <summary>
    /// Per data set, the classes (by name or value) that get a probe. Unset: SAEBench's five (bias_in_bios: accountant,
    /// architect, attorney, dentist, filmmaker; amazon: Toys_and_Games, Cell_Phones, Industrial_and_Scientific,
    /// Musical_Instruments, Electronics).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Classes { get; init; }

    /// <summary>As scr.padding_leak.</summary>
    public bool PaddingLeak { get; init; } = true;

    public void Validate(ConfigValidation v)
    {
        ScrTppDefaults.CheckNValues(v, NValues);
        if (Datasets.Distinct().Count() != Datasets.Count) v.Error("datasets", "a data set is listed twice", ConfigCodes.DuplicateName);
        foreach (var (dataset, classes) in Classes ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            if (!Datasets.Contains(dataset))
                v.Error("classes", $"classes are given for '{dataset}', which is not in tpp.datasets ({string.Join(", ", Datasets)})", ConfigCodes.Inconsistent);
            if (classes.Count < 2) v.Error("classes", $"{dataset}: TPP needs at least two classes (each probe's negatives are the others)");
            if (classes.Distinct().Count() != classes.Count) v.Error("classes", $"{dataset}: a class is listed twice", ConfigCodes.DuplicateName);
        }
    }
}

public static class ScrTppDefaults
{
    /// <summary>The numbers of ablated latents SAEBench's SCR and TPP JSON schemas have keys for.</summary>
    public static readonly IReadOnlyList<int> NValues = [2, 5, 10, 20, 50, 100, 500];

    public static void CheckNValues(ConfigValidation v, IReadOnlyList<int> nValues)
    {
        var unknown = nValues.Where(n => !NValues.Contains(n)).ToList();
        if (unknown.Count > 0)
            v.Error("n_values", $"{string.Join(", ", unknown)}: SAEBench's JSON has keys only for N in {string.Join(", ", NValues)}");
        if (nValues.Distinct().Count() != nValues.Count) v.Error("n_values", "a value is listed twice", ConfigCodes.DuplicateName);
    }
}
