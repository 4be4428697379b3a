using SaePipeline.Data;

namespace SaePipeline.Config;

/// <summary>
/// One text data set under <c>datasets:</c>. With <c>train</c> (and usually <c>test</c>) it is read from local
/// Parquet or JSONL files; without, the built-in generator of its kind writes it (Data/Builtin/). A name that
/// pipeline.yaml uses but does not list here is the built-in data set of that name (bias_in_bios, amazon_reviews,
/// ag_news, github_code, europarl, mixed).
/// </summary>
public sealed record DatasetConfig : IValidatedConfig
{
    /// <summary>
    /// The data set's shape: text (plain documents), bias_in_bios, amazon_reviews, ag_news, github_code or europarl.
    /// Defaults to the entry's name when that is a kind (and "text" for the built-in "mixed").
    /// </summary>
    public string? Kind { get; init; }

    /// <summary>The training split: a .parquet, .jsonl or .csv file, relative to pipeline.yaml. None: the built-in generator.</summary>
    public string? Train { get; init; }

    /// <summary>The test (or, for a corpus, held-out) split. A file data set without one has no test split.</summary>
    public string? Test { get; init; }

    /// <summary>Our column names → the file's, where they differ from SAEBench's (e.g. <c>{text: bio}</c>).</summary>
    public IReadOnlyDictionary<string, string>? Columns { get; init; }

    /// <summary>Rows to use from the training split: the first N in file order, or N generated rows.</summary>
    [Min(1)] public int? TrainRows { get; init; }

    /// <summary>Rows to use from the test split, as for train_rows.</summary>
    [Min(1)] public int? TestRows { get; init; }

    /// <summary>
    /// Built-in bias_in_bios only: Cramér's V between gender and profession. Unset: the real data set's per-profession
    /// gender rates (V ≈ 0.39); 0 makes gender independent of profession, larger values a stronger spurious correlation.
    /// </summary>
    [Min(0), Max(1)] public double? GenderProfessionCorrelation { get; init; }

    /// <summary>Seed of a built-in generator; defaults to the pipeline's seed.</summary>
    [Min(0)] public long? Seed { get; init; }

    public bool IsBuiltin => Train is null;

    public void Validate(ConfigValidation v)
    {
        if (Kind is not null && DatasetKind.Find(Kind) is null)
            v.Error("kind", $"unknown data set kind '{Kind}'; kinds: {string.Join(", ", DatasetKind.All.Select(k => k.Name))}");
        if (Train is null && Test is not null)
            v.Error("test", "a test file needs a train file too (without train, the built-in generator writes both splits)", ConfigCodes.Inconsistent);
        if (Train is null && Columns is not null)
            v.Error("columns", "columns map a file's columns; this data set has no train file", ConfigCodes.Inconsistent);
        foreach (var (key, file) in new[] { ("train", Train), ("test", Test) })
            if (file is not null && !File.Exists(Path.Combine(v.BaseDirectory, file)))
                v.Error(key, $"data set file {Path.GetFullPath(Path.Combine(v.BaseDirectory, file))} does not exist (data sets are local files; nothing is downloaded)", ConfigCodes.MissingFile);
        if (GenderProfessionCorrelation is not null && Train is not null)
            v.Error("gender_profession_correlation", "applies only to the built-in bias_in_bios generator, not to files", ConfigCodes.Inconsistent);
    }
}
