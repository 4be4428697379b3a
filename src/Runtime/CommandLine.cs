namespace SaePipeline.Runtime;

/// <summary>Minimal `--name value` / `--flag` parsing; repeated options collect all their values.</summary>
public sealed class CommandLine
{
    readonly Dictionary<string, List<string>> options = new(StringComparer.Ordinal);
    readonly HashSet<string> flags = new(StringComparer.Ordinal);

    public CommandLine(IEnumerable<string> args, IReadOnlySet<string> flagNames)
    {
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            string a = list[i];
            if (!a.StartsWith("--", StringComparison.Ordinal)) { Positional.Add(a); continue; }
            string name = a[2..];
            if (flagNames.Contains(name)) { flags.Add(name); continue; }
            if (i + 1 >= list.Count) throw new PipelineException($"option {a} needs a value", "stages");
            if (!options.TryGetValue(name, out var values)) options[name] = values = [];
            values.Add(list[++i]);
        }
    }

    public List<string> Positional { get; } = [];

    public bool Flag(string name) => flags.Contains(name);

    public string? Get(string name) => options.TryGetValue(name, out var v) ? v[^1] : null;

    public string Require(string name) => Get(name) ?? throw new PipelineException($"missing option --{name}", "stages");

    public IReadOnlyList<string> All(string name) => options.TryGetValue(name, out var v) ? v : [];

    public int Int(string name, int fallback) =>
        Get(name) is { } s ? int.TryParse(s, out int v) ? v : throw new PipelineException($"--{name} expects an integer, got '{s}'", "stages") : fallback;
}
