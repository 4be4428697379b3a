using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace SaePipeline.Config;

/// <summary>
/// Grids over SAE keys. An entry of <c>saes</c> may carry a <c>sweep</c> mapping from keys to lists of values; it
/// stands for one entry per combination (the cartesian product, in the order written), each named
/// <c>&lt;name&gt;-&lt;key&gt;&lt;value&gt;…</c> with '.' in values written 'p' (<c>topk-k32-lr0p001</c>). Each is an
/// ordinary entry from then on: its own TrainSae and evaluation items, its own fingerprint, so adding a value to a
/// sweep trains only the new combinations. Expansion runs after <c>-p:Set</c> and <c>sae_defaults</c>, so overrides
/// address the entry as written (<c>saes.topk.sweep.k=[16,64]</c>), a swept key beats a default, and a key both set
/// in the entry and swept is an error. Errors in a swept value point at that value in the list.
/// </summary>
internal static partial class SaeSweeps
{
    const string SweepKey = "sweep";

    public static void Expand(YamlMappingNode root, ConfigBinder binder)
    {
        if (!root.Children.TryGetValue(new YamlScalarNode("saes"), out var saes) || saes is not YamlSequenceNode list) return;
        var expanded = new List<YamlNode>();
        foreach (var entry in list.Children)
        {
            if (entry is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(SweepKey), out var sweepNode))
            {
                expanded.Add(entry);
                continue;
            }
            string name = mapping.Children.TryGetValue(new YamlScalarNode("name"), out var n) && n is YamlScalarNode { Value: { } v } ? v : "sae";
            var axes = Axes(sweepNode, mapping, name, binder);
            if (axes is null) continue;
            foreach (var combination in Product(axes))
                expanded.Add(Instance(mapping, n, name, combination, binder));
        }
        list.Children.Clear();
        foreach (var e in expanded) list.Children.Add(e);
    }

    /// <summary>The sweep's keys with their values, or null after reporting what is wrong with it.</summary>
    static List<(YamlScalarNode Key, List<YamlNode> Values)>? Axes(YamlNode sweepNode, YamlMappingNode entry, string name, ConfigBinder binder)
    {
        string path = $"saes.{name}.{SweepKey}";
        if (sweepNode is not YamlMappingNode sweep || sweep.Children.Count == 0)
        {
            binder.Report(sweepNode, path, ConfigCodes.WrongType, "expected a mapping from SAE keys to lists of values, e.g. sweep: {k: [16, 32, 64]}");
            return null;
        }
        var axes = new List<(YamlScalarNode, List<YamlNode>)>();
        bool ok = true;
        foreach (var (keyNode, valuesNode) in sweep.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key } scalarKey)
            {
                binder.Report(keyNode, path, ConfigCodes.WrongType, "sweep keys must be plain SAE keys");
                ok = false;
                continue;
            }
            if (key is "name" or SweepKey)
            {
                binder.Report(keyNode, $"{path}.{key}", ConfigCodes.Inconsistent, $"'{key}' cannot be swept");
                ok = false;
                continue;
            }
            if (entry.Children.TryGetValue(keyNode, out var fixedValue) && binder.DisplayPath(entry.Children.Keys.First(k => k.Equals(keyNode))) is null)
            {
                binder.Report(fixedValue, $"saes.{name}.{key}", ConfigCodes.Inconsistent, $"'{key}' is both set here and swept; remove one");
                ok = false;
                continue;
            }
            if (valuesNode is not YamlSequenceNode { Children.Count: > 0 } values || values.Children.Any(c => c is not YamlScalarNode))
            {
                binder.Report(valuesNode, $"{path}.{key}", ConfigCodes.WrongType, "expected a non-empty list of values, e.g. [0.01, 0.03, 0.1]");
                ok = false;
                continue;
            }
            axes.Add((scalarKey, values.Children.ToList()));
        }
        return ok ? axes : null;
    }

    static IEnumerable<List<(YamlScalarNode Key, YamlNode Value)>> Product(List<(YamlScalarNode Key, List<YamlNode> Values)> axes)
    {
        IEnumerable<List<(YamlScalarNode, YamlNode)>> result = [[]];
        foreach (var (key, values) in axes)
            result = result.SelectMany(prefix => values.Select(v => new List<(YamlScalarNode, YamlNode)>(prefix) { (key, v) })).ToList();
        return result;
    }

    /// <summary>A copy of the entry (sharing its value nodes, so errors keep their lines) with one combination set.</summary>
    static YamlMappingNode Instance(YamlMappingNode entry, YamlNode? nameNode, string name, List<(YamlScalarNode Key, YamlNode Value)> combination, ConfigBinder binder)
    {
        var instance = new YamlMappingNode();
        foreach (var (k, v) in entry.Children)
            if (k is YamlScalarNode { Value: { } key } && key != SweepKey && key != "name" && !combination.Any(c => c.Key.Value == key))
                instance.Children.Add(k, v);
        string suffix = string.Concat(combination.Select(c => $"-{c.Key.Value}{NamePart(((YamlScalarNode)c.Value).Value ?? "null")}"));
        var newName = new YamlScalarNode(name + suffix);
        binder.StandIn(newName, nameNode ?? entry);
        instance.Children.Add(new YamlScalarNode("name"), newName);
        foreach (var (key, value) in combination) instance.Children.Add(key, value);
        return instance;
    }

    /// <summary>A value as it appears in a name: '.' → 'p', and nothing a name may not hold.</summary>
    static string NamePart(string value) => NotInName().Replace(value.Replace('.', 'p').Replace("+", ""), "_");

    [GeneratedRegex("[^A-Za-z0-9_-]")]
    private static partial Regex NotInName();
}
