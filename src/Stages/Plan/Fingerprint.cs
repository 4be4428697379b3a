using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SaePipeline.Runtime;

namespace SaePipeline.Plan;

/// <summary>
/// The content fingerprint of a stage item: sha256 over the stage name, its params (compact JSON, keys in declaration
/// order, numbers in shortest round-trip form) and the fingerprints of the items it reads, by role. Like DVC's lock
/// entries, a change anywhere upstream changes every fingerprint below it. The stage program's own version is not
/// hashed here: the build lists the program as an input of every stage target instead.
/// </summary>
public static class Fingerprint
{
    /// <summary>Bump when the meaning of a spec changes without its text changing.</summary>
    const int SpecFormat = 1;

    static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public static string Compute(StageKind stage, JsonObject parameters, IReadOnlyDictionary<string, PlanItem> inputs)
    {
        var text = new StringBuilder()
            .Append("format=").Append(SpecFormat).Append('\n')
            .Append("stage=").Append(stage.Target).Append('\n')
            .Append("params=").Append(parameters.ToJsonString(Compact)).Append('\n');
        foreach (var (role, item) in inputs.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            text.Append("input ").Append(role).Append('=').Append(item.Fingerprint).Append('\n');
        return Hashing.Sha256Hex(text.ToString());
    }
}
