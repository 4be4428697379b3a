using SaePipeline.Config;
using SaePipeline.Data;
using SaePipeline.Runtime;

namespace SaePipeline.Plan;

/// <summary>
/// Turns a data set name used in pipeline.yaml into the <see cref="DatasetSpec"/> a stage reads: the entry under
/// <c>datasets:</c> if there is one, else the built-in data set of that name; files become absolute paths with a
/// content fingerprint, built-in data sets get their seed and row counts.
/// </summary>
public static class DatasetResolver
{
    /// <summary>
    /// Rows generated per split when pipeline.yaml does not say: SAEBench's per-probe sizes (4,000 train, 1,000 test),
    /// so sparse probing, SCR and TPP can draw their classes from them.
    /// </summary>
    public const int DefaultTrainRows = 4000, DefaultTestRows = 1000;

    public static DatasetSpec Resolve(PipelineConfig c, string name, string baseDirectory)
    {
        var (kind, problem) = DatasetNames.KindOf(c, name);
        if (kind is null) throw new PipelineException(problem!, name);
        var d = c.Datasets.GetValueOrDefault(name) ?? new DatasetConfig();
        if (d.IsBuiltin)
        {
            if (d.GenderProfessionCorrelation is not null && kind != DatasetKind.BiasInBios.Name)
                throw new PipelineException($"datasets.{name}.gender_profession_correlation applies only to bias_in_bios data sets", name);
            return new DatasetSpec
            {
                Name = name, Kind = kind,
                Generator = kind == DatasetKind.Text.Name ? DatasetNames.MixedCorpus : kind,
                TrainRows = d.TrainRows ?? DefaultTrainRows, TestRows = d.TestRows ?? DefaultTestRows,
                Seed = d.Seed ?? c.Seed, GenderProfessionCorrelation = d.GenderProfessionCorrelation,
            };
        }
        string train = Path.GetFullPath(Path.Combine(baseDirectory, d.Train!));
        string? test = d.Test is null ? null : Path.GetFullPath(Path.Combine(baseDirectory, d.Test));
        return new DatasetSpec
        {
            Name = name, Kind = kind, TrainFile = train, TestFile = test, Columns = d.Columns,
            FilesFingerprint = ContentFingerprint.Files(test is null ? [train] : [train, test]),
            TrainRows = d.TrainRows, TestRows = d.TestRows, Seed = d.Seed ?? c.Seed,
        };
    }
}
