using SaePipeline.Runtime;

namespace SaePipeline.Data.ProbeSets;

/// <summary>
/// Which rows of a labelled data set one evaluation uses, as the planner resolves it from pipeline.yaml: SCR's class
/// pairs (canonical names, SAEBench's column1_vals) or TPP's classes (values) and seeds, and the rows per group. A
/// labelled cache made for an evaluation caches exactly these rows, so a 250k-row data set costs what its probes use.
/// </summary>
public sealed record ProbeSelection
{
    public const string Scr = "scr", Tpp = "tpp";

    /// <summary><see cref="Scr"/> or <see cref="Tpp"/>.</summary>
    public required string Task { get; init; }

    /// <summary>SAEBench's train_set_size/4 and test_set_size/4: rows per quadrant (SCR) or per spurious group (TPP).</summary>
    public required int TrainPerGroup { get; init; }
    public required int TestPerGroup { get; init; }

    /// <summary>SCR: [positive, negative] target class names.</summary>
    public IReadOnlyList<IReadOnlyList<string>>? Pairs { get; init; }

    /// <summary>TPP: target class values, and the seeds (each samples its own rows).</summary>
    public IReadOnlyList<string>? Classes { get; init; }
    public IReadOnlyList<long>? Seeds { get; init; }

    public ProbeSetFile Build(DatasetSpec dataset, TextTable train, TextTable test)
    {
        var columns = ConceptColumns.For(dataset.Kind)
                      ?? throw new PipelineException($"data set {dataset.Name} is of kind {dataset.Kind}, which has no target and spurious labels for {Task}", dataset.Name);
        LabelClass Target(string c) => columns.FindTarget(c)
                                       ?? throw new PipelineException($"'{c}' is not a {columns.Target} of {dataset.Kind} data", dataset.Name);
        var file = new ProbeSetFile
        {
            Task = Task, Dataset = dataset.Name, JsonName = columns.JsonName(dataset.Generator is not null), Kind = dataset.Kind,
            TrainPerGroup = TrainPerGroup, TestPerGroup = TestPerGroup,
        };
        return Task switch
        {
            Scr => file with
            {
                Pairs = (Pairs ?? throw new PipelineException("an SCR selection needs pairs", dataset.Name))
                    .Select(p => ScrSets.Build(columns, train, test, Target(p[0]), Target(p[1]), TrainPerGroup, TestPerGroup)).ToList(),
            },
            Tpp => file with
            {
                Seeds = (Seeds ?? throw new PipelineException("a TPP selection needs seeds", dataset.Name))
                    .Select(s => TppSets.Build(columns, train, test, (Classes ?? []).Select(Target).ToList(), TrainPerGroup, TestPerGroup, s)).ToList(),
            },
            _ => throw new PipelineException($"unknown probe task '{Task}'", dataset.Name),
        };
    }
}
