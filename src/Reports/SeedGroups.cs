using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SaePipeline.Reports;

/// <summary>
/// SAEs that differ only in their training seed (and so in name): one setting measured several times.
/// <see cref="Config"/> is the shared SAE config without <c>name</c>, <c>seed</c> and null-valued keys.
/// </summary>
public sealed record SeedGroup(string Label, JsonObject Config, IReadOnlyList<string> Saes)
{
    /// <summary>The SAE keys that switch on a training objective beyond the architecture's own loss; null when unset.</summary>
    public static readonly IReadOnlyList<string> ObjectiveKeys = ["precision_adversarial", "causal"];

    /// <summary>"baseline" when no objective section is set, else the set sections' keys joined by " + ".</summary>
    public string Objective =>
        ObjectiveKeys.Where(Config.ContainsKey).DefaultIfEmpty("baseline").Aggregate((a, b) => $"{a} + {b}");

    public bool IsBaseline => !ObjectiveKeys.Any(Config.ContainsKey);

    /// <summary>This group's config with its objective sections unset: what its baseline group's config must equal.</summary>
    public JsonObject BaselineConfig()
    {
        var config = (JsonObject)Config.DeepClone();
        foreach (var key in ObjectiveKeys) config.Remove(key);
        return config;
    }
}

public static partial class SeedGroups
{
    /// <summary>
    /// The pipeline's SAEs (the resolved config's <c>saes</c> array) grouped by config with name and seed removed, in
    /// config order. A sweep over seed names its SAEs &lt;name&gt;-seed&lt;n&gt;, so a group is labelled by its first SAE's
    /// name without that suffix; a later group whose label is taken keeps its first SAE's full name.
    /// </summary>
    public static IReadOnlyList<SeedGroup> Of(JsonArray? saeConfigs)
    {
        var groups = new List<(JsonObject Config, List<string> Saes)>();
        foreach (var sae in (saeConfigs ?? []).OfType<JsonObject>())
        {
            string name = sae["name"]?.GetValue<string>() ?? "?";
            var config = WithoutSeed(sae);
            var group = groups.FirstOrDefault(g => JsonNode.DeepEquals(g.Config, config));
            if (group.Saes is null) groups.Add((config, [name]));
            else group.Saes.Add(name);
        }
        var labels = new HashSet<string>();
        return groups.Select(g =>
        {
            string label = SeedSuffix().Replace(g.Saes[0], "");
            if (!labels.Add(label)) labels.Add(label = g.Saes[0]);
            return new SeedGroup(label, g.Config, g.Saes);
        }).ToList();
    }

    /// <summary>The group whose config is <paramref name="objective"/>'s without its objective sections, if the pipeline has one (never a baseline's own).</summary>
    public static SeedGroup? BaselineOf(SeedGroup objective, IReadOnlyList<SeedGroup> groups)
    {
        if (objective.IsBaseline) return null;
        var wanted = objective.BaselineConfig();
        return groups.FirstOrDefault(g => g.IsBaseline && JsonNode.DeepEquals(g.Config, wanted));
    }

    /// <summary>A copy without name and seed, and without null values, so an unset section equals an absent one.</summary>
    static JsonObject WithoutSeed(JsonObject sae)
    {
        var config = (JsonObject)WithoutNulls(sae)!;
        config.Remove("name");
        config.Remove("seed");
        return config;
    }

    static JsonNode? WithoutNulls(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Where(kv => kv.Value is not null).Select(kv => KeyValuePair.Create(kv.Key, WithoutNulls(kv.Value)))),
        _ => node?.DeepClone(),
    };

    [GeneratedRegex(@"-seed\d+$")]
    private static partial Regex SeedSuffix();
}
