using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SaePipeline.Config;

/// <summary>
/// <c>-p:Set="saes.relu-a.l1_coefficient=0.02;seed=7"</c>: each setting replaces one value in the parsed YAML before it
/// is bound, so an override is validated exactly like the file (and its errors name the setting). Dots walk mappings;
/// inside a list of named entries (saes) the next part is an entry's name.
/// </summary>
internal sealed class ConfigOverrides(ConfigBinder binder)
{
    public void Apply(YamlMappingNode root, IReadOnlyList<string> settings)
    {
        foreach (var setting in settings) Apply(root, setting);
    }

    void Apply(YamlMappingNode root, string setting)
    {
        var where = ConfigLocation.CommandLine(setting);
        int eq = setting.IndexOf('=');
        if (eq <= 0)
        {
            binder.Report(where, "", ConfigCodes.BadOverride, "expected key.path=value");
            return;
        }
        string path = setting[..eq].Trim();
        var parts = path.Split('.');
        if (parts.Any(p => p.Length == 0))
        {
            binder.Report(where, path, ConfigCodes.BadOverride, "empty part in key path");
            return;
        }
        YamlNode current = root;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            string walked = string.Join('.', parts[..(i + 1)]);
            switch (current)
            {
                case YamlMappingNode mapping:
                    var key = new YamlScalarNode(parts[i]);
                    if (!mapping.Children.TryGetValue(key, out var child))
                    {
                        child = new YamlMappingNode();
                        binder.MarkCommandLine(child, setting);
                        mapping.Children.Add(key, child);
                    }
                    current = child;
                    break;
                case YamlSequenceNode list:
                    var names = list.Children.OfType<YamlMappingNode>()
                        .Select(e => e.Children.TryGetValue(new YamlScalarNode("name"), out var n) ? (n as YamlScalarNode)?.Value : null)
                        .ToList();
                    int index = names.IndexOf(parts[i]);
                    if (index < 0)
                    {
                        binder.Report(where, walked, ConfigCodes.BadOverride,
                            $"no entry named '{parts[i]}' (entries: {string.Join(", ", names.Where(n => n is not null))})");
                        return;
                    }
                    current = list.Children.OfType<YamlMappingNode>().ElementAt(index);
                    break;
                default:
                    binder.Report(where, walked, ConfigCodes.BadOverride, $"'{parts[i]}' holds a value, not keys");
                    return;
            }
        }
        if (current is not YamlMappingNode target)
        {
            binder.Report(where, path, ConfigCodes.BadOverride, "can only set a key of a mapping, not a whole list entry");
            return;
        }
        var value = ParseValue(setting[(eq + 1)..].Trim());
        binder.MarkCommandLine(value, setting);
        var last = new YamlScalarNode(parts[^1]);
        binder.MarkCommandLine(last, setting);
        target.Children.Remove(last);   // drop the old key node too: it may be a shared sae_defaults key
        target.Children.Add(last, value);
    }

    static YamlNode ParseValue(string text)
    {
        if (text.Length == 0) return new YamlScalarNode(null);
        try
        {
            // A value past the file's limits (deep nesting, an alias bomb) stays a string, which the binder refuses.
            if (YamlLimits.Check(text, "-p:Set") is not null) return new YamlScalarNode(text);
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count == 1) return stream.Documents[0].RootNode;
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            // Not YAML on its own (e.g. "a: b: c"): keep it as a plain string and let the binder judge it.
        }
        return new YamlScalarNode(text);
    }
}
