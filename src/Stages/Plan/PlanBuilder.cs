using SaePipeline.Artifacts;
using SaePipeline.Runtime;

namespace SaePipeline.Plan;

/// <summary>
/// Collects a plan's items in order. Each item gets its stage's code identity and its fingerprint here, and its inputs
/// are checked against the roles its stage declares in <see cref="StageTable"/>.
/// </summary>
public sealed class PlanBuilder(CodeSensitivity sensitivity)
{
    readonly List<PlanItem> items = [];

    public IReadOnlyList<PlanItem> Items => items;

    /// <param name="local">Paths of this clone the stage needs (the report's notes file): in the spec, not in the fingerprint.</param>
    public PlanItem Add<TParams>(StageKind<TParams> stage, string name, TParams parameters, Dictionary<InputRole, PlanItem> inputs, object? local = null)
    {
        foreach (var (role, input) in inputs)
            if (!stage.Inputs.Any(slot => slot.Matches(role) && slot.From == input.Kind))
                throw new InvalidOperationException($"{stage} declares no input '{role}' made by {input.Kind} (StageTable)");
        var node = (System.Text.Json.Nodes.JsonObject)Json.ToNode(parameters);
        var code = ProgramCode.Current.Of(stage.EntryAssembly, sensitivity);
        string fingerprint = Fingerprint.Compute(stage, code, (System.Text.Json.Nodes.JsonObject)Json.ToFingerprintNode(parameters), inputs);
        var item = new PlanItem
        {
            Kind = stage, Name = name, Id = $"{name}-{fingerprint[..8]}", Fingerprint = fingerprint,
            Params = node, Inputs = inputs, Code = code, Local = local is null ? null : (System.Text.Json.Nodes.JsonObject)Json.ToNode(local),
        };
        items.Add(item);
        return item;
    }
}
