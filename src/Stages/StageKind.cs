using SaePipeline.Artifacts;

namespace SaePipeline;

/// <summary>
/// A stage, declared once in <see cref="StageTable"/>: its MSBuild target and command, the folder its results go to,
/// the inputs its items may have and which stage makes each, and its entry point. The planner, the command dispatch,
/// the usage text and the generated MSBuild targets (build/Stages.targets) all read it from there.
/// </summary>
public abstract class StageKind
{
    /// <summary>The MSBuild target, e.g. <c>TrainSae</c>; also the stage's name in specs, manifests and summary lines.</summary>
    public required string Target { get; init; }

    /// <summary>The stage program's command, e.g. <c>train-sae</c>.</summary>
    public required string Verb { get; init; }

    /// <summary>Where its results live under the artifacts root, e.g. <c>saes</c>.</summary>
    public required string Folder { get; init; }

    /// <summary>One line on what an item does, for the targets file and the usage text.</summary>
    public required string Summary { get; init; }

    /// <summary>The inputs its items may have, by role, with the stage that makes each.</summary>
    public required IReadOnlyList<InputSlot> Inputs { get; init; }

    /// <summary>
    /// Runs one item. A method of the stage's own floor, never a lambda here: its declaring assembly is the stage's code
    /// (<see cref="EntryAssembly"/>), and a lambda would be declared in the stage program.
    /// </summary>
    public required Action<StageContext> Run { get; init; }

    /// <summary>The stage that turns the build's record of what ran (.build/ran.log) into a notes entry: its own run is not recorded.</summary>
    public bool SummarisesBuild { get; init; }

    /// <summary>
    /// Whether <c>&lt;Folder&gt;/&lt;name&gt;</c> is a link to the current item of each name (the report: one per
    /// experiment, found at a stable path). The plan points it at a finished item; the stage, when it commits one.
    /// </summary>
    public bool LinksCurrent { get; init; }

    public abstract Type ParamsType { get; }

    /// <summary>The assembly of <see cref="Run"/>: with the assemblies it references, the code an item's fingerprint covers.</summary>
    public string EntryAssembly => Run.Method.DeclaringType!.Assembly.GetName().Name!;

    /// <summary>The stages whose items this one reads, in table order: the MSBuild target's dependencies.</summary>
    public IReadOnlyList<StageKind> Reads => Inputs.Select(i => i.From).Distinct().ToList();

    public override string ToString() => Target;
}

/// <summary>A stage whose items carry <typeparamref name="TParams"/>, so the planner cannot give it another stage's params.</summary>
public sealed class StageKind<TParams> : StageKind
{
    public override Type ParamsType => typeof(TParams);
}

/// <summary>
/// An input a stage's items may have: a role (or a family of roles, <c>probes/*</c>, one per data set or SAE) and the
/// stage whose items fill it.
/// </summary>
public sealed record InputSlot(InputRole Role, StageKind From)
{
    public bool Matches(InputRole role) =>
        Role.Name.EndsWith("/*", StringComparison.Ordinal) ? role.Name.StartsWith(Role.Name[..^1], StringComparison.Ordinal) : role == Role;
}
