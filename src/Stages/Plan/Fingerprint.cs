using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SaePipeline.Artifacts;
using SaePipeline.Runtime;

namespace SaePipeline.Plan;

/// <summary>
/// The content fingerprint of a stage item: sha256 over the stage name, the fingerprint of its code (the assemblies
/// its stage can load, <see cref="CodeIdentity"/>), its params (compact JSON, keys in declaration order, numbers in
/// shortest round-trip form) and the fingerprints of the items it reads, by role. Like DVC's lock entries, a change
/// anywhere upstream changes every fingerprint below it; unlike them, so does a change of the code that makes it.
/// </summary>
public static class Fingerprint
{
    /// <summary>Bump when the meaning of a spec changes without its text changing.</summary>
    const int SpecFormat = 2;

    static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public static string Compute(StageKind stage, CodeIdentity code, JsonObject parameters, IReadOnlyDictionary<InputRole, PlanItem> inputs)
    {
        var text = new StringBuilder()
            .Append("format=").Append(SpecFormat).Append('\n')
            .Append("stage=").Append(stage.Target).Append('\n')
            .Append("code=").Append(code.Fingerprint).Append('\n')
            .Append("params=").Append(parameters.ToJsonString(Compact)).Append('\n');
        foreach (var (role, item) in inputs.OrderBy(kv => kv.Key.Name, StringComparer.Ordinal))
            text.Append("input ").Append(role.Name).Append('=').Append(item.Fingerprint).Append('\n');
        return Hashing.Sha256Hex(text.ToString());
    }
}
