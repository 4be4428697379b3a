using System.Text.Json.Nodes;
using SaePipeline.Artifacts;
using SaePipeline.Contracts;

namespace SaePipeline.Plan;

/// <summary>
/// One stage item of the DAG: a cache, an SAE, one evaluation of one SAE, the report. Its id is
/// <c>name-&lt;8 hex of the fingerprint&gt;</c> and its folder has that name, so a changed input or changed code makes a
/// new folder and the old result stays valid (reverting a change costs nothing).
/// </summary>
public sealed record PlanItem
{
    public required StageKind Kind { get; init; }
    public required string Name { get; init; }
    public required string Id { get; init; }
    public required string Fingerprint { get; init; }
    public required JsonObject Params { get; init; }
    public required IReadOnlyDictionary<InputRole, PlanItem> Inputs { get; init; }

    /// <summary>Paths of this clone the stage needs besides its params (<see cref="StageSpec.Local"/>); not fingerprinted.</summary>
    public JsonObject? Local { get; init; }

    /// <summary>The code that makes it: the assemblies its stage can load.</summary>
    public required CodeIdentity Code { get; init; }

    /// <summary>The artifact folder, relative to the artifacts root.</summary>
    public string Output => $"{Kind.Folder}/{Id}";

    public string SpecPath(string root) => ArtifactLayout.SpecFile(root, Kind.Target, Id);
    public string OutputDir(string root) => Path.Combine(root, Output);
    public string ManifestPath(string root) => Path.Combine(OutputDir(root), Manifest.FileName);

    public StageSpec ToSpec() => new()
    {
        Stage = Kind.Target,
        Name = Name,
        Id = Id,
        Fingerprint = Fingerprint,
        Code = Code,
        Output = Output,
        Inputs = Inputs.ToDictionary(kv => kv.Key.Name, kv => new SpecInput(kv.Value.Kind.Target, kv.Value.Id, kv.Value.Fingerprint, kv.Value.Output)),
        Params = (JsonObject)Params.DeepClone(),
        Local = (JsonObject?)Local?.DeepClone(),
    };

    public override string ToString() => $"{Kind.Target} {Id}";
}
