namespace SaePipeline.Data;

/// <summary>
/// A data set as a stage sees it, resolved by the planner from pipeline.yaml: its kind, and either its files
/// (absolute, with a content fingerprint so an edited file reruns what read it) or the built-in generator with its
/// seed and row counts.
/// </summary>
public sealed record DatasetSpec
{
    public required string Name { get; init; }

    /// <summary>A <see cref="DatasetKind"/> name.</summary>
    public required string Kind { get; init; }

    /// <summary>The built-in generator ("mixed", "bias_in_bios", …), or null when the data set is read from files.</summary>
    public string? Generator { get; init; }

    [Runtime.LocalPath]
    public string? TrainFile { get; init; }

    [Runtime.LocalPath]
    public string? TestFile { get; init; }

    public IReadOnlyDictionary<string, string>? Columns { get; init; }

    /// <summary>Sampled content hash of the files (see FileFingerprint).</summary>
    public string? FilesFingerprint { get; init; }

    /// <summary>Rows to take (first N of a file) or generate, per split; null takes a whole file.</summary>
    public int? TrainRows { get; init; }
    public int? TestRows { get; init; }

    public long Seed { get; init; }
    public double? GenderProfessionCorrelation { get; init; }

    public DatasetKind KindInfo => DatasetKind.Find(Kind) ?? throw new Runtime.PipelineException($"unknown data set kind '{Kind}'", Name);
}
