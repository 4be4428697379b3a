using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SaePipeline.Config;

/// <summary>A validated config and what shaped it.</summary>
public sealed record LoadedConfig(PipelineConfig Config, string Path, IReadOnlyList<ConfigError> Warnings, IReadOnlyList<string> Overrides);

/// <summary>
/// Reads pipeline.yaml: check its size, nesting and aliases (<see cref="YamlLimits"/>) → parse → apply <c>-p:Set</c>
/// overrides → fill entries from <c>sae_defaults</c> → expand sweeps → bind and validate → check the hook against the
/// model (<see cref="ModelShape"/>) and that each SAE fits in memory (<see cref="MemoryBudget"/>).
/// Every problem found is reported at once, each with file, line, column and key path.
/// </summary>
public static class PipelineConfigLoader
{
    public static LoadedConfig Load(string path, IReadOnlyList<string>? overrides = null)
    {
        overrides ??= [];
        string fullPath = System.IO.Path.GetFullPath(path);
        string shown = System.IO.Path.GetRelativePath(Environment.CurrentDirectory, fullPath);
        if (shown.StartsWith("..", StringComparison.Ordinal)) shown = fullPath;
        if (!File.Exists(fullPath))
            throw new ConfigException([new ConfigError(new ConfigLocation(shown, 0, 0), "", ConfigCodes.MissingFile, "pipeline file not found")]);

        if (YamlLimits.FileTooLarge(fullPath, shown) is { } tooLarge) throw new ConfigException([tooLarge]);
        var binder = new ConfigBinder(shown);
        var root = Parse(File.ReadAllText(fullPath), shown);
        // Overrides first, so -p:Set can address sae_defaults too; an entry's own key (overridden or not) beats a default.
        new ConfigOverrides(binder).Apply(root, overrides);
        var unusedDefaults = ApplySaeDefaults(root, binder);
        SaeSweeps.Expand(root, binder);
        if (binder.HasErrors) throw new ConfigException(binder.Errors);

        var config = binder.Bind<PipelineConfig>(root, "");
        if (unusedDefaults is not null) CheckDefaultsAlone(unusedDefaults, binder);
        if (config is not null && !binder.HasErrors) CheckUniqueNames(root, binder);
        if (config is not null && !binder.HasErrors) ModelShape.CheckHook(config, root, binder);
        if (config is not null && !binder.HasErrors) MemoryBudget.Check(config, root, binder);
        if (binder.HasErrors || config is null) throw new ConfigException(binder.Errors.Where(e => !e.IsWarning).ToList());
        return new LoadedConfig(config, fullPath, binder.Errors.Where(e => e.IsWarning).ToList(), overrides);
    }

    static YamlMappingNode Parse(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            if (YamlLimits.Check(text, file) is { } limit) throw new ConfigException([limit]);
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var at = new ConfigLocation(file, (int)e.Start.Line, (int)e.Start.Column);
            throw new ConfigException([TabInIndentation(text, file) ?? new ConfigError(at, "", ConfigCodes.Syntax, $"invalid YAML: {e.Message}")]);
        }
        catch (InvalidOperationException e)   // YamlDotNet's scanner throws this on some malformed flow collections
        {
            throw new ConfigException([TabInIndentation(text, file) ??
                new ConfigError(new ConfigLocation(file, 1, 1), "", ConfigCodes.Syntax, $"invalid YAML: {e.Message}")]);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new ConfigException([new ConfigError(new ConfigLocation(file, 1, 1), "", ConfigCodes.WrongType,
                "expected a mapping at the top level (name:, seed:, synthetic:, saes:, ...)")]);
        if (stream.Documents.Count > 1)
            throw new ConfigException([new ConfigError(new ConfigLocation(file, (int)stream.Documents[1].RootNode.Start.Line, 1), "",
                ConfigCodes.Syntax, "a pipeline file holds one YAML document; remove the second '---'")]);
        return root;
    }

    /// <summary>
    /// YAML forbids tabs in indentation, and YamlDotNet's error for one points wherever its scanner gave up (often the
    /// first line). When a file does not parse and a line is indented with a tab, that line is the error to show.
    /// </summary>
    static ConfigError? TabInIndentation(string text, string file)
    {
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            int indent = line.Length - line.TrimStart(' ', '\t').Length;
            int tab = line.IndexOf('\t', 0, indent);
            if (tab >= 0 && indent < line.TrimEnd('\r').Length)
                return new ConfigError(new ConfigLocation(file, i + 1, tab + 1), "", ConfigCodes.Syntax,
                    "a tab in the indentation; YAML indents with spaces only");
        }
        return null;
    }

    /// <summary>
    /// Moves the keys of <c>sae_defaults</c> into every <c>saes</c> entry that does not set them. The nodes are shared,
    /// so an error in a default still points at its line in sae_defaults.
    /// </summary>
    /// <returns>The defaults when no entry received them, for <see cref="CheckDefaultsAlone"/>.</returns>
    static YamlMappingNode? ApplySaeDefaults(YamlMappingNode root, ConfigBinder binder)
    {
        var key = new YamlScalarNode("sae_defaults");
        if (!root.Children.TryGetValue(key, out var defaultsNode)) return null;
        root.Children.Remove(key);
        if (defaultsNode is not YamlMappingNode defaults)
        {
            binder.Report(defaultsNode, "sae_defaults", ConfigCodes.WrongType, "expected a mapping of SAE keys shared by every entry of saes");
            return null;
        }
        foreach (var (k, _) in defaults.Children)
            if (k is YamlScalarNode { Value: { } name }) binder.SetDisplayPath(k, $"sae_defaults.{name}");
        var entries = root.Children.TryGetValue(new YamlScalarNode("saes"), out var saes) && saes is YamlSequenceNode list
            ? list.Children.OfType<YamlMappingNode>().ToList() : [];
        foreach (var entry in entries)
            foreach (var (k, v) in defaults.Children)
                if (!entry.Children.ContainsKey(k)) entry.Children.Add(k, v);
        return entries.Count == 0 ? defaults : null;
    }

    /// <summary>
    /// With no SAE entry to receive them (saes: missing or empty), the defaults would never be bound and their mistakes
    /// would show only after the next edit. They are bound on their own, as an entry with nothing else, and their
    /// key-level errors (unknown key, wrong type, out of range) are reported; rules across keys need a real entry.
    /// </summary>
    static void CheckDefaultsAlone(YamlMappingNode defaults, ConfigBinder binder)
    {
        var alone = new ConfigBinder(binder.File) { KeysOnly = true };
        var entry = new YamlMappingNode();
        foreach (var (k, v) in defaults.Children)
        {
            if (k is YamlScalarNode { Value: { } name }) alone.SetDisplayPath(k, $"sae_defaults.{name}");
            entry.Children.Add(k, v);
        }
        if (!entry.Children.ContainsKey(new YamlScalarNode("name"))) entry.Children.Add(new YamlScalarNode("name"), new YamlScalarNode("defaults"));
        alone.Bind<SaeConfig>(entry, "sae_defaults");
        foreach (var error in alone.Errors.Where(e => e.Code != ConfigCodes.MissingRequired && !e.IsWarning))
            binder.Report(error.Location, error.KeyPath, error.Code, error.Message);
    }

    static void CheckUniqueNames(YamlMappingNode root, ConfigBinder binder)
    {
        if (!root.Children.TryGetValue(new YamlScalarNode("saes"), out var saes) || saes is not YamlSequenceNode list) return;
        var first = new Dictionary<string, YamlNode>();
        foreach (var entry in list.Children.OfType<YamlMappingNode>())
        {
            if (!entry.Children.TryGetValue(new YamlScalarNode("name"), out var nameNode) || nameNode is not YamlScalarNode { Value: { } name }) continue;
            if (first.TryGetValue(name, out var earlier))
                binder.Report(nameNode, $"saes.{name}", ConfigCodes.DuplicateName,
                    $"duplicate SAE name '{name}' (first used at {binder.LocationOf(earlier)}); names must be unique");
            else first[name] = nameNode;
        }
    }
}
