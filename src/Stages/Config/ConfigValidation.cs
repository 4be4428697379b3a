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

    /// <summary>Whether the key was written in the file (or an override), as opposed to taking its default.</summary>
    public bool Has(string key) => Find(key) is not null;

    public void Error(string key, string message, string code = ConfigCodes.OutOfRange) =>
        binder.Report(Find(key) ?? mapping, Join(key), code, message, warning: false);

    public void Warn(string key, string message) =>
        binder.Report(Find(key) ?? mapping, Join(key), ConfigCodes.Advice, message, warning: true);

    string Join(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    YamlNode? Find(string key)
    {
        foreach (var (k, v) in mapping.Children)
            if (k is YamlScalarNode s && s.Value == key) return v;
        return null;
    }
}
