using System.Text.Json.Serialization;
using SaePipeline.Runtime;

namespace SaePipeline.Data.ProbeSets;

/// <summary>
/// Which rows of a labelled data set one evaluation uses, as the planner resolves it from pipeline.yaml: SCR's class
/// pairs (canonical names, SAEBench's column1_vals) or TPP's classes (values) and seeds, and the rows per group. A
/// labelled cache made for an evaluation caches exactly these rows, so a 250k-row data set costs what its probes use.
/// </summary>
public sealed record ProbeSelection
{
    public const string Scr = "scr", Tpp = "tpp", SparseProbing = "sparse_probing";

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

    /// <summary>Sparse probing: the ids of the <see cref="SparseProbingSubsets"/> drawn from this data set.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Subsets { get; init; }

    /// <summary>Sparse probing: SAEBench's probe_train_set_size and probe_test_set_size (texts per one-vs-rest task).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? TrainSetSize { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? TestSetSize { get; init; }

    public ProbeSetFile Build(DatasetSpec dataset, TextTable train, TextTable test)
    {
        if (Task == SparseProbing) return BuildSparseProbing(dataset, train, test);
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

    ProbeSetFile BuildSparseProbing(DatasetSpec dataset, TextTable train, TextTable test)
    {
        bool builtin = dataset.Generator is not null;
        var subsets = (Subsets ?? throw new PipelineException("a sparse-probing selection needs its data sets", dataset.Name))
            .Select(id => SparseProbingSubsets.Find(id) ?? throw new PipelineException($"unknown sparse-probing data set '{id}'", dataset.Name))
            .ToList();
        if (subsets.FirstOrDefault(s => s.Kind.Name != dataset.Kind) is { } wrong)
            throw new PipelineException($"sparse-probing data set {wrong.Id} needs {wrong.Kind.Name} data, but {dataset.Name} is {dataset.Kind}", dataset.Name);
        var seeds = Seeds ?? throw new PipelineException("a sparse-probing selection needs seeds", dataset.Name);
        int trainSize = TrainSetSize ?? TrainPerGroup * 4, testSize = TestSetSize ?? TestPerGroup * 4;
        return new ProbeSetFile
        {
            Task = Task, Dataset = dataset.Name, JsonName = builtin ? $"builtin:{dataset.Kind}" : dataset.Name, Kind = dataset.Kind,
            TrainPerGroup = TrainPerGroup, TestPerGroup = TestPerGroup,
            SparseProbing = subsets.Select(s => new SparseProbingSubsetRows(s.Id, s.JsonName(builtin),
                seeds.Select(seed => SparseProbingSets.Build(s, train, test, trainSize, testSize, seed)).ToList())).ToList(),
        };
    }
}
