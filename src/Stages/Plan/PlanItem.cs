using System.Text.Json.Nodes;
using SaePipeline.Artifacts;

namespace SaePipeline.Plan;

/// <summary>
/// One stage item of the DAG: a cache, an SAE, one evaluation of one SAE, the report.
/// Content-addressed items have ids <c>name-&lt;8 hex of the fingerprint&gt;</c> and folders of that name, so a
/// changed input makes a new folder and the old result stays valid (reverting a change costs nothing).
/// </summary>
public sealed record PlanItem
{
    public required StageKind Kind { get; init; }
    public required string Name { get; init; }
    public required string Id { get; init; }
    public required string Fingerprint { get; init; }
    public required JsonObject Params { get; init; }
    public required IReadOnlyDictionary<string, PlanItem> Inputs { get; init; }

    /// <summary>The artifact folder, relative to the artifacts root.</summary>
    public string Output => $"{Kind.Folder}/{Id}";

    /// <summary>
    /// False for the report: one folder per experiment (its id is the experiment's name) that always shows the current
    /// plan, so experiments sharing an artifacts root share caches and models but keep their own reports.
    /// </summary>
    public bool ContentAddressed { get; init; } = true;

    public string SpecPath(string root) => Path.Combine(root, ".specs", Kind.Target, $"{Id}.json");
    public string OutputDir(string root) => Path.Combine(root, Output);
    public string ManifestPath(string root) => Path.Combine(OutputDir(root), Manifest.FileName);

    public StageSpec ToSpec() => new()
    {
        Stage = Kind.Target,
        Name = Name,
        Id = Id,
        Fingerprint = Fingerprint,
        Output = Output,
        Inputs = Inputs.ToDictionary(kv => kv.Key, kv => new SpecInput(kv.Value.Kind.Target, kv.Value.Id, kv.Value.Fingerprint, kv.Value.Output)),
        Params = (JsonObject)Params.DeepClone(),
    };

    public override string ToString() => $"{Kind.Target} {Id}";
}
