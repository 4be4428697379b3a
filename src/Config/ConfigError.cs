namespace SaePipeline.Config;

/// <summary>Where a config value came from: a position in a YAML file, or a command-line override.</summary>
public sealed record ConfigLocation(string File, int Line, int Column)
{
    public static ConfigLocation CommandLine(string setting) => new($"-p:Set '{setting}'", 0, 0);

    /// <summary>The origin part of an MSBuild canonical message: <c>file(line,col)</c>, or just the origin.</summary>
    public override string ToString() => Line > 0 ? $"{File}({Line},{Column})" : File;
}

/// <summary>One problem in pipeline.yaml, printed as <c>file(line,col): error CODE: key.path: message</c>.</summary>
public sealed record ConfigError(ConfigLocation Location, string KeyPath, string Code, string Message, bool IsWarning = false)
{
    public override string ToString() =>
        $"{Location}: {(IsWarning ? "warning" : "error")} {Code}: {(KeyPath.Length > 0 ? OneLine(KeyPath) + ": " : "")}{OneLine(Message)}";

    /// <summary>An error is one line (MSBuild reads it line by line); a key written with a newline must not split it.</summary>
    static string OneLine(string text) => text.Contains('\n') || text.Contains('\r') ? text.Replace("\r", "\\r").Replace("\n", "\\n") : text;
}

/// <summary>Error codes, one per kind of mistake, so they can be searched for and tested.</summary>
public static class ConfigCodes
{
    public const string Syntax = "SAE1000";
    public const string UnknownKey = "SAE1001";
    public const string WrongType = "SAE1002";
    public const string OutOfRange = "SAE1003";
    public const string MissingRequired = "SAE1004";
    public const string DuplicateName = "SAE1005";
    public const string BadOverride = "SAE1006";
    public const string Inconsistent = "SAE1007";
    public const string MissingFile = "SAE1008";
    public const string Advice = "SAE2001";
}

public sealed class ConfigException(IReadOnlyList<ConfigError> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<ConfigError> Errors { get; } = errors;
}

/// <summary>How values written by a user are shown inside error messages.</summary>
public static class ConfigText
{
    /// <summary>A value as it can be shown on one line of an MSBuild error: control characters escaped, long values cut.</summary>
    public static string Quote(string v)
    {
        var shown = new System.Text.StringBuilder();
        foreach (char c in v.Length > 60 ? v[..60] : v)
            shown.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        return v.Length > 60 ? $"'{shown}…' ({v.Length} characters)" : $"'{shown}'";
    }
}
