using YamlDotNet.RepresentationModel;

namespace SaePipeline.Config;

/// <summary>What a record's <see cref="IValidatedConfig.Validate"/> sees: which keys were written, and where.</summary>
public sealed class ConfigValidation
{
    readonly ConfigBinder binder;
    readonly YamlMappingNode mapping;

    internal ConfigValidation(ConfigBinder binder, YamlMappingNode mapping, string path)
    {
        this.binder = binder;
        this.mapping = mapping;
        Path = path;
    }

    /// <summary>The key path of the record being validated, e.g. <c>saes.relu-a</c>.</summary>
    public string Path { get; }

    /// <summary>The folder of the config file: relative paths in it are relative to this.</summary>
    public string BaseDirectory => binder.BaseDirectory;

    /// <summary>Whether the key was written in the file (or an override), as opposed to taking its default.</summary>
    public bool Has(string key) => Find(key).Value is not null;

    /// <summary>Whether the key was written in this record itself, not inherited from a defaults section (sae_defaults).</summary>
    public bool HasOwn(string key) => Find(key) is { Key: { } k, Value: not null } && binder.DisplayPath(k) is null;

    /// <summary>Reports a problem with a key, at the key's value if it was written, else at this record.</summary>
    public void Error(string key, string message, string code = ConfigCodes.OutOfRange) => Report(key, code, message, warning: false);

    public void Warn(string key, string message) => Report(key, ConfigCodes.Advice, message, warning: true);

    void Report(string key, string code, string message, bool warning)
    {
        var (keyNode, value) = Find(key);
        // A value inherited from sae_defaults is reported once, under its own path and line.
        string path = keyNode is not null && binder.DisplayPath(keyNode) is { } shown ? shown : Path.Length == 0 ? key : $"{Path}.{key}";
        binder.Report(value ?? mapping, path, code, message, warning);
    }

    (YamlNode? Key, YamlNode? Value) Find(string key)
    {
        foreach (var (k, v) in mapping.Children)
            if (k is YamlScalarNode s && s.Value == key) return (k, v);
        return (null, null);
    }
}
