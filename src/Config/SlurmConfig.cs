namespace SaePipeline.Config;

/// <summary>
/// <c>slurm:</c> how <c>-p:Executor=slurm</c> submits stage items as batch jobs: sbatch's resource options for every job,
/// and per stage (by its MSBuild target) the ones that differ, e.g. a GPU for TrainSae only. Where an item runs changes
/// none of its numbers, so none of this is part of any fingerprint, and a local build ignores it.
/// </summary>
public sealed record SlurmConfig : SlurmResources, IValidatedConfig
{
    /// <summary>The stages, by MSBuild target (a test keeps this equal to the stage table's).</summary>
    public static readonly IReadOnlyList<string> StageTargets =
    [
        "PrepareModel", "CacheActivations", "TrainProbes", "PrepareSaeProbes", "PrepareAbsorption", "TrainSae", "EvaluateSynthetic", "EvaluateCore",
        "EvaluateSparseProbing", "EvaluateSaeProbes", "EvaluateAbsorption", "EvaluateCausal", "EvaluateScr", "EvaluateTpp", "Report",
    ];

    /// <summary>Per stage, the options that differ from the ones above, e.g. <c>TrainSae: {gres: "gpu:1", time: "08:00:00"}</c>.</summary>
    public IReadOnlyDictionary<string, SlurmResources> Stages { get; init; } = new Dictionary<string, SlurmResources>();

    /// <summary>The options for one stage's jobs: the stage's own where it sets them, else these.</summary>
    public SlurmResources For(string stage) => Stages.GetValueOrDefault(stage) is not { } own ? this : new SlurmResources
    {
        Partition = own.Partition ?? Partition, Account = own.Account ?? Account, Qos = own.Qos ?? Qos, Time = own.Time ?? Time,
        Gres = own.Gres ?? Gres, CpusPerTask = own.CpusPerTask ?? CpusPerTask, Mem = own.Mem ?? Mem, Constraint = own.Constraint ?? Constraint,
        ExtraArgs = [.. ExtraArgs, .. own.ExtraArgs],
    };

    public void Validate(ConfigValidation v)
    {
        foreach (var stage in Stages.Keys.Where(s => !StageTargets.Contains(s)))
            v.Error("stages", $"{ConfigText.Quote(stage)} is not a stage; the stages are {string.Join(", ", StageTargets)}");
    }
}

/// <summary>sbatch's resource options for a stage's jobs; left out, Slurm's (or the cluster's) defaults apply.</summary>
public record SlurmResources
{
    /// <summary><c>--partition</c>.</summary>
    public string? Partition { get; init; }

    /// <summary><c>--account</c>.</summary>
    public string? Account { get; init; }

    /// <summary><c>--qos</c>.</summary>
    public string? Qos { get; init; }

    /// <summary><c>--time</c>: the job's time limit, e.g. <c>02:00:00</c> or <c>1-00:00:00</c>; a job past it is cancelled and its item fails.</summary>
    [Pattern(@"\A([0-9]+-)?[0-9]+(:[0-9]{2}){0,2}\z", "a Slurm time limit: minutes, h:mm:ss or d-hh:mm:ss")]
    public string? Time { get; init; }

    /// <summary><c>--gres</c>, e.g. <c>gpu:1</c>.</summary>
    public string? Gres { get; init; }

    /// <summary><c>--cpus-per-task</c>.</summary>
    [Min(1)]
    public int? CpusPerTask { get; init; }

    /// <summary><c>--mem</c>, e.g. <c>16G</c>.</summary>
    [Pattern(@"\A[0-9]+[KMGT]?\z", "a Slurm memory size such as 16G or 4000M")]
    public string? Mem { get; init; }

    /// <summary><c>--constraint</c>, e.g. <c>a100</c>.</summary>
    public string? Constraint { get; init; }

    /// <summary>Further sbatch options, passed as written (e.g. <c>--exclusive</c>, <c>--reservation=x</c>).</summary>
    public IReadOnlyList<string> ExtraArgs { get; init; } = [];

    /// <summary>These options as sbatch arguments.</summary>
    public IEnumerable<string> SbatchArguments()
    {
        if (Partition is { } p) yield return $"--partition={p}";
        if (Account is { } a) yield return $"--account={a}";
        if (Qos is { } q) yield return $"--qos={q}";
        if (Time is { } t) yield return $"--time={t}";
        if (Gres is { } g) yield return $"--gres={g}";
        if (CpusPerTask is { } c) yield return $"--cpus-per-task={c}";
        if (Mem is { } m) yield return $"--mem={m}";
        if (Constraint is { } k) yield return $"--constraint={k}";
        foreach (var e in ExtraArgs) yield return e;
    }
}
