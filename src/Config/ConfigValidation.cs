namespace SaePipeline.Config;

/// <summary>
/// What a record's <see cref="IValidatedConfig.Validate"/> sees: which keys were written, and where problems go. The
/// stage program's YAML binder implements it (src/Stages/ConfigLoading), so the records know nothing of YAML and a
/// change to how files are read changes no stage's code.
/// </summary>
public abstract class ConfigValidation
{
    /// <summary>The key path of the record being validated, e.g. <c>saes.relu-a</c>.</summary>
    public abstract string Path { get; }

    /// <summary>The folder of the config file: relative paths in it are relative to this.</summary>
    public abstract string BaseDirectory { get; }

    /// <summary>Whether the key was written in the file (or an override), as opposed to taking its default.</summary>
    public abstract bool Has(string key);

    /// <summary>Whether the key was written in this record itself, not inherited from a defaults section (sae_defaults).</summary>
    public abstract bool HasOwn(string key);

    /// <summary>Reports a problem with a key, at the key's value if it was written, else at this record.</summary>
    public abstract void Error(string key, string message, string code = ConfigCodes.OutOfRange);

    public abstract void Warn(string key, string message);
}
