using System.Text.Json;
using System.Text.Json.Serialization;

namespace SaePipeline.Contracts;

/// <summary>
/// One stage item as the build sees it (an entry of <c>.plan/plan.json</c>), with absolute paths. The MSBuild plan
/// task turns each into an item; the stage targets run it when its <see cref="Manifest"/> is missing or older than one
/// of its <see cref="Inputs"/>.
/// </summary>
/// <param name="Stage">The stage's MSBuild target, e.g. <c>TrainSae</c>.</param>
/// <param name="Verb">The stage program's command for it, e.g. <c>train-sae</c>.</param>
/// <param name="Name">The item's name in pipeline.yaml terms (an SAE's name, a data set's).</param>
/// <param name="Id">The name plus 8 hex digits of its fingerprint: its folder's name.</param>
/// <param name="Inputs">The spec file and the upstream manifests: the files whose timestamps decide whether it runs.</param>
/// <param name="Sbatch">With <c>-p:Executor=slurm</c>: sbatch's resource options for its job (pipeline.yaml's <c>slurm:</c>).</param>
public sealed record PlanEntry(string Stage, string Verb, string Name, string Id, string Spec, string OutputDir, string Manifest,
                               IReadOnlyList<string> Inputs, IReadOnlyList<string>? Sbatch = null);

/// <summary><c>.plan/plan.json</c>: the items of one plan, every item after the items it reads.</summary>
public sealed record PlanFile(IReadOnlyList<PlanEntry> Items)
{
    static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static PlanFile Read(string path) =>
        JsonSerializer.Deserialize<PlanFile>(File.ReadAllText(path), Options)
        ?? throw new InvalidDataException($"{path} is not a plan file");
}
