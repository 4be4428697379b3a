using YamlDotNet.RepresentationModel;

namespace SaePipeline.Config;

/// <summary>A record's <see cref="ConfigValidation"/> over the YAML mapping it was bound from.</summary>
sealed class YamlConfigValidation : ConfigValidation
{
    readonly ConfigBinder binder;
    readonly YamlMappingNode mapping;

    internal YamlConfigValidation(ConfigBinder binder, YamlMappingNode mapping, string path)
    {
        this.binder = binder;
        this.mapping = mapping;
        Path = path;
    }

    public override string Path { get; }

    public override string BaseDirectory => binder.BaseDirectory;

    public override bool Has(string key) => Find(key).Value is not null;

    public override bool HasOwn(string key) => Find(key) is { Key: { } k, Value: not null } && binder.DisplayPath(k) is null;

    public override void Error(string key, string message, string code = ConfigCodes.OutOfRange) => Report(key, code, message, warning: false);

    public override void Warn(string key, string message) => Report(key, ConfigCodes.Advice, message, warning: true);

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
